using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MLNet.Mlp.Numerics.MatrixMultiplication;

/// <summary>
/// MR×NR register tiles: C_tile = Σ_k a_packed[k]·b[k] with one FMA chain per output element in k order,
/// so an element's rounding never depends on which tile, thread or edge path produced it.
/// Rows are unrolled by hand so every accumulator stays in a register; the row count is a generic
/// struct parameter so the JIT emits one specialised body per edge height.
/// </summary>
internal static unsafe class GemmMicroKernel
{
    /// <summary>Rows per register tile of the AVX-512 kernel.</summary>
    public const int Mr512 = 12;
    /// <summary>Columns per register tile of the AVX-512 kernel (two 16-float vectors).</summary>
    public const int Nr512 = 32;
    /// <summary>Rows per register tile of the 256-bit, 128-bit and scalar kernels.</summary>
    public const int Mr256 = 6;
    /// <summary>Columns per register tile of the 256-bit, 128-bit and scalar kernels.</summary>
    public const int Nr256 = 16;

    /// <summary>Dispatches to the AVX-512 kernel specialised for <paramref name="rows"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run512(int rows, int kc, float* a, float* b, nint ldb, float* c, nint ldc, float* bias, bool loadC)
    {
        switch (rows)
        {
            case 1: K512<Rows1>(kc, a, b, ldb, c, ldc, bias, loadC); break;
            case 2: K512<Rows2>(kc, a, b, ldb, c, ldc, bias, loadC); break;
            case 3: K512<Rows3>(kc, a, b, ldb, c, ldc, bias, loadC); break;
            case 4: K512<Rows4>(kc, a, b, ldb, c, ldc, bias, loadC); break;
            case 5: K512<Rows5>(kc, a, b, ldb, c, ldc, bias, loadC); break;
            case 6: K512<Rows6>(kc, a, b, ldb, c, ldc, bias, loadC); break;
            case 7: K512<Rows7>(kc, a, b, ldb, c, ldc, bias, loadC); break;
            case 8: K512<Rows8>(kc, a, b, ldb, c, ldc, bias, loadC); break;
            case 9: K512<Rows9>(kc, a, b, ldb, c, ldc, bias, loadC); break;
            case 10: K512<Rows10>(kc, a, b, ldb, c, ldc, bias, loadC); break;
            case 11: K512<Rows11>(kc, a, b, ldb, c, ldc, bias, loadC); break;
            case 12: K512<Rows12>(kc, a, b, ldb, c, ldc, bias, loadC); break;
            default: throw new ArgumentOutOfRangeException(nameof(rows));
        }
    }

    /// <summary>
    /// One row × 128 columns read in place from B (single-row inference): eight independent chains
    /// instead of two. Same per-element operations as <see cref="Run512"/>, so results are identical.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run512Row128(int kc, float* a, float* b, nint ldb, float* c, float* bias, bool loadC)
    {
        Vector512<float> c0 = default; Vector512<float> c1 = default; Vector512<float> c2 = default; Vector512<float> c3 = default; Vector512<float> c4 = default; Vector512<float> c5 = default; Vector512<float> c6 = default; Vector512<float> c7 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> x = Vector512.Create(a[(nint)p * Mr512]); // packed strip: one value per MR slot
            c0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 0), c0);
            c1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 16), c1);
            c2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 32), c2);
            c3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 48), c3);
            c4 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 64), c4);
            c5 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 80), c5);
            c6 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 96), c6);
            c7 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 112), c7);
            b += ldb;
        }

        Vector512<float> bias0 = default, bias1 = default, bias2 = default, bias3 = default, bias4 = default, bias5 = default, bias6 = default, bias7 = default;
        bool hasBias = bias != null;
        if (hasBias)
        {
            bias0 = Vector512.Load(bias + 0);
            bias1 = Vector512.Load(bias + 16);
            bias2 = Vector512.Load(bias + 32);
            bias3 = Vector512.Load(bias + 48);
            bias4 = Vector512.Load(bias + 64);
            bias5 = Vector512.Load(bias + 80);
            bias6 = Vector512.Load(bias + 96);
            bias7 = Vector512.Load(bias + 112);
        }

        Finish16(c, c0, c1, bias0, bias1, hasBias, loadC);
        Finish16(c + 32, c2, c3, bias2, bias3, hasBias, loadC);
        Finish16(c + 64, c4, c5, bias4, bias5, hasBias, loadC);
        Finish16(c + 96, c6, c7, bias6, bias7, hasBias, loadC);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void K512<TR>(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float* bias, bool loadC) where TR : struct, IRowCount
    {
        // Start pulling the C tile in now: for large outputs it lives in L3 or DRAM, and its epilogue
        // load/store would otherwise stall after the k loop.
        if (System.Runtime.Intrinsics.X86.Sse.IsSupported)
        {
            for (int i = 0; i < TR.Value; i++)
            {
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(c + i * ldc);
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(c + i * ldc + 31);
            }
        }

        Vector512<float> c0_0 = default; Vector512<float> c0_1 = default;
        Vector512<float> c1_0 = default; Vector512<float> c1_1 = default;
        Vector512<float> c2_0 = default; Vector512<float> c2_1 = default;
        Vector512<float> c3_0 = default; Vector512<float> c3_1 = default;
        Vector512<float> c4_0 = default; Vector512<float> c4_1 = default;
        Vector512<float> c5_0 = default; Vector512<float> c5_1 = default;
        Vector512<float> c6_0 = default; Vector512<float> c6_1 = default;
        Vector512<float> c7_0 = default; Vector512<float> c7_1 = default;
        Vector512<float> c8_0 = default; Vector512<float> c8_1 = default;
        Vector512<float> c9_0 = default; Vector512<float> c9_1 = default;
        Vector512<float> c10_0 = default; Vector512<float> c10_1 = default;
        Vector512<float> c11_0 = default; Vector512<float> c11_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b + 0);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> a0 = Vector512.Create(a[0]);
            c0_0 = Vector512.FusedMultiplyAdd(a0, b0, c0_0);
            c0_1 = Vector512.FusedMultiplyAdd(a0, b1, c0_1);
            if (TR.Value > 1)
            {
                Vector512<float> a1 = Vector512.Create(a[1]);
                c1_0 = Vector512.FusedMultiplyAdd(a1, b0, c1_0);
                c1_1 = Vector512.FusedMultiplyAdd(a1, b1, c1_1);
            }
            if (TR.Value > 2)
            {
                Vector512<float> a2 = Vector512.Create(a[2]);
                c2_0 = Vector512.FusedMultiplyAdd(a2, b0, c2_0);
                c2_1 = Vector512.FusedMultiplyAdd(a2, b1, c2_1);
            }
            if (TR.Value > 3)
            {
                Vector512<float> a3 = Vector512.Create(a[3]);
                c3_0 = Vector512.FusedMultiplyAdd(a3, b0, c3_0);
                c3_1 = Vector512.FusedMultiplyAdd(a3, b1, c3_1);
            }
            if (TR.Value > 4)
            {
                Vector512<float> a4 = Vector512.Create(a[4]);
                c4_0 = Vector512.FusedMultiplyAdd(a4, b0, c4_0);
                c4_1 = Vector512.FusedMultiplyAdd(a4, b1, c4_1);
            }
            if (TR.Value > 5)
            {
                Vector512<float> a5 = Vector512.Create(a[5]);
                c5_0 = Vector512.FusedMultiplyAdd(a5, b0, c5_0);
                c5_1 = Vector512.FusedMultiplyAdd(a5, b1, c5_1);
            }
            if (TR.Value > 6)
            {
                Vector512<float> a6 = Vector512.Create(a[6]);
                c6_0 = Vector512.FusedMultiplyAdd(a6, b0, c6_0);
                c6_1 = Vector512.FusedMultiplyAdd(a6, b1, c6_1);
            }
            if (TR.Value > 7)
            {
                Vector512<float> a7 = Vector512.Create(a[7]);
                c7_0 = Vector512.FusedMultiplyAdd(a7, b0, c7_0);
                c7_1 = Vector512.FusedMultiplyAdd(a7, b1, c7_1);
            }
            if (TR.Value > 8)
            {
                Vector512<float> a8 = Vector512.Create(a[8]);
                c8_0 = Vector512.FusedMultiplyAdd(a8, b0, c8_0);
                c8_1 = Vector512.FusedMultiplyAdd(a8, b1, c8_1);
            }
            if (TR.Value > 9)
            {
                Vector512<float> a9 = Vector512.Create(a[9]);
                c9_0 = Vector512.FusedMultiplyAdd(a9, b0, c9_0);
                c9_1 = Vector512.FusedMultiplyAdd(a9, b1, c9_1);
            }
            if (TR.Value > 10)
            {
                Vector512<float> a10 = Vector512.Create(a[10]);
                c10_0 = Vector512.FusedMultiplyAdd(a10, b0, c10_0);
                c10_1 = Vector512.FusedMultiplyAdd(a10, b1, c10_1);
            }
            if (TR.Value > 11)
            {
                Vector512<float> a11 = Vector512.Create(a[11]);
                c11_0 = Vector512.FusedMultiplyAdd(a11, b0, c11_0);
                c11_1 = Vector512.FusedMultiplyAdd(a11, b1, c11_1);
            }
            a += 12;
            b += ldb;
        }

        Vector512<float> bias0 = default, bias1 = default;
        bool hasBias = bias != null;
        if (hasBias)
        {
            bias0 = Vector512.Load(bias + 0);
            bias1 = Vector512.Load(bias + 16);
        }

        Finish16(c + 0 * ldc, c0_0, c0_1, bias0, bias1, hasBias, loadC);
        if (TR.Value > 1)
        {
            Finish16(c + 1 * ldc, c1_0, c1_1, bias0, bias1, hasBias, loadC);
        }
        if (TR.Value > 2)
        {
            Finish16(c + 2 * ldc, c2_0, c2_1, bias0, bias1, hasBias, loadC);
        }
        if (TR.Value > 3)
        {
            Finish16(c + 3 * ldc, c3_0, c3_1, bias0, bias1, hasBias, loadC);
        }
        if (TR.Value > 4)
        {
            Finish16(c + 4 * ldc, c4_0, c4_1, bias0, bias1, hasBias, loadC);
        }
        if (TR.Value > 5)
        {
            Finish16(c + 5 * ldc, c5_0, c5_1, bias0, bias1, hasBias, loadC);
        }
        if (TR.Value > 6)
        {
            Finish16(c + 6 * ldc, c6_0, c6_1, bias0, bias1, hasBias, loadC);
        }
        if (TR.Value > 7)
        {
            Finish16(c + 7 * ldc, c7_0, c7_1, bias0, bias1, hasBias, loadC);
        }
        if (TR.Value > 8)
        {
            Finish16(c + 8 * ldc, c8_0, c8_1, bias0, bias1, hasBias, loadC);
        }
        if (TR.Value > 9)
        {
            Finish16(c + 9 * ldc, c9_0, c9_1, bias0, bias1, hasBias, loadC);
        }
        if (TR.Value > 10)
        {
            Finish16(c + 10 * ldc, c10_0, c10_1, bias0, bias1, hasBias, loadC);
        }
        if (TR.Value > 11)
        {
            Finish16(c + 11 * ldc, c11_0, c11_1, bias0, bias1, hasBias, loadC);
        }
    }

    // Epilogue order is fixed (acc, then bias, then old C) and mirrored by the scalar edge merge.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish16(float* c, Vector512<float> v0, Vector512<float> v1, Vector512<float> bias0, Vector512<float> bias1, bool hasBias, bool loadC)
    {
        if (hasBias)
        {
            v0 += bias0;
            v1 += bias1;
        }
        if (loadC)
        {
            v0 += Vector512.Load(c + 0);
            v1 += Vector512.Load(c + 16);
        }
        v0.Store(c + 0);
        v1.Store(c + 16);
    }

    /// <summary>Dispatches to the 256-bit kernel specialised for <paramref name="rows"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run256(int rows, int kc, float* a, float* b, nint ldb, float* c, nint ldc, float* bias, bool loadC)
    {
        switch (rows)
        {
            case 1: K256<Rows1>(kc, a, b, ldb, c, ldc, bias, loadC); break;
            case 2: K256<Rows2>(kc, a, b, ldb, c, ldc, bias, loadC); break;
            case 3: K256<Rows3>(kc, a, b, ldb, c, ldc, bias, loadC); break;
            case 4: K256<Rows4>(kc, a, b, ldb, c, ldc, bias, loadC); break;
            case 5: K256<Rows5>(kc, a, b, ldb, c, ldc, bias, loadC); break;
            case 6: K256<Rows6>(kc, a, b, ldb, c, ldc, bias, loadC); break;
            default: throw new ArgumentOutOfRangeException(nameof(rows));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void K256<TR>(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float* bias, bool loadC) where TR : struct, IRowCount
    {
        Vector256<float> c0_0 = default; Vector256<float> c0_1 = default;
        Vector256<float> c1_0 = default; Vector256<float> c1_1 = default;
        Vector256<float> c2_0 = default; Vector256<float> c2_1 = default;
        Vector256<float> c3_0 = default; Vector256<float> c3_1 = default;
        Vector256<float> c4_0 = default; Vector256<float> c4_1 = default;
        Vector256<float> c5_0 = default; Vector256<float> c5_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b + 0);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> a0 = Vector256.Create(a[0]);
            c0_0 = Vector256.FusedMultiplyAdd(a0, b0, c0_0);
            c0_1 = Vector256.FusedMultiplyAdd(a0, b1, c0_1);
            if (TR.Value > 1)
            {
                Vector256<float> a1 = Vector256.Create(a[1]);
                c1_0 = Vector256.FusedMultiplyAdd(a1, b0, c1_0);
                c1_1 = Vector256.FusedMultiplyAdd(a1, b1, c1_1);
            }
            if (TR.Value > 2)
            {
                Vector256<float> a2 = Vector256.Create(a[2]);
                c2_0 = Vector256.FusedMultiplyAdd(a2, b0, c2_0);
                c2_1 = Vector256.FusedMultiplyAdd(a2, b1, c2_1);
            }
            if (TR.Value > 3)
            {
                Vector256<float> a3 = Vector256.Create(a[3]);
                c3_0 = Vector256.FusedMultiplyAdd(a3, b0, c3_0);
                c3_1 = Vector256.FusedMultiplyAdd(a3, b1, c3_1);
            }
            if (TR.Value > 4)
            {
                Vector256<float> a4 = Vector256.Create(a[4]);
                c4_0 = Vector256.FusedMultiplyAdd(a4, b0, c4_0);
                c4_1 = Vector256.FusedMultiplyAdd(a4, b1, c4_1);
            }
            if (TR.Value > 5)
            {
                Vector256<float> a5 = Vector256.Create(a[5]);
                c5_0 = Vector256.FusedMultiplyAdd(a5, b0, c5_0);
                c5_1 = Vector256.FusedMultiplyAdd(a5, b1, c5_1);
            }
            a += 6;
            b += ldb;
        }

        Vector256<float> bias0 = default, bias1 = default;
        bool hasBias = bias != null;
        if (hasBias)
        {
            bias0 = Vector256.Load(bias + 0);
            bias1 = Vector256.Load(bias + 8);
        }

        Finish8(c + 0 * ldc, c0_0, c0_1, bias0, bias1, hasBias, loadC);
        if (TR.Value > 1)
        {
            Finish8(c + 1 * ldc, c1_0, c1_1, bias0, bias1, hasBias, loadC);
        }
        if (TR.Value > 2)
        {
            Finish8(c + 2 * ldc, c2_0, c2_1, bias0, bias1, hasBias, loadC);
        }
        if (TR.Value > 3)
        {
            Finish8(c + 3 * ldc, c3_0, c3_1, bias0, bias1, hasBias, loadC);
        }
        if (TR.Value > 4)
        {
            Finish8(c + 4 * ldc, c4_0, c4_1, bias0, bias1, hasBias, loadC);
        }
        if (TR.Value > 5)
        {
            Finish8(c + 5 * ldc, c5_0, c5_1, bias0, bias1, hasBias, loadC);
        }
    }

    // Epilogue order is fixed (acc, then bias, then old C) and mirrored by the scalar edge merge.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish8(float* c, Vector256<float> v0, Vector256<float> v1, Vector256<float> bias0, Vector256<float> bias1, bool hasBias, bool loadC)
    {
        if (hasBias)
        {
            v0 += bias0;
            v1 += bias1;
        }
        if (loadC)
        {
            v0 += Vector256.Load(c + 0);
            v1 += Vector256.Load(c + 8);
        }
        v0.Store(c + 0);
        v1.Store(c + 8);
    }

    /// <summary>
    /// Portable fallback with the 256-bit kernel's tile shape, for machines without hardware-accelerated vectors:
    /// a rounded multiply, then an add (a software fused multiply-add would be far slower), in one fixed order per element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunScalar(int rows, int kc, float* a, float* b, nint ldb, float* c, nint ldc, float* bias, bool loadC)
    {
        float* acc = stackalloc float[Mr256 * Nr256];
        new Span<float>(acc, Mr256 * Nr256).Clear();
        for (int p = 0; p < kc; p++)
        {
            for (int i = 0; i < rows; i++)
            {
                float ai = a[i];
                float* row = acc + i * Nr256;
                for (int j = 0; j < Nr256; j++)
                {
                    row[j] += ai * b[j];
                }
            }

            a += Mr256;
            b += ldb;
        }

        for (int i = 0; i < rows; i++)
        {
            float* row = acc + i * Nr256;
            float* dst = c + i * ldc;
            for (int j = 0; j < Nr256; j++)
            {
                float v = row[j];
                if (bias != null)
                {
                    v += bias[j];
                }

                if (loadC)
                {
                    v += dst[j];
                }

                dst[j] = v;
            }
        }
    }
}
