using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace MLNet.Mlp.Numerics.MatrixMultiplication;

/// <summary>
/// y = W·x (+ bias) (+ y) for one row against a weight matrix stored [n×k] (a dense layer's forward pass at batch 1),
/// read in place: no packing, no threads, no allocation.
/// </summary>
/// <remarks>
/// Every output element is the same FMA (256-bit family) or multiply-then-add (scalar family) chain, in k order and in
/// the same depth blocks, that the batched GEMM of that family computes, with the same epilogue order (block sum, then
/// bias, then the running value), so a row scored alone has the bits it has inside any batch. Lanes hold consecutive
/// outputs: each 8×8 (or 4×4) block of W is transposed in registers so that lane i gets row i's next k values.
/// The 512-bit family keeps its own one-row kernels (<see cref="GemmDotKernel"/>).
/// </remarks>
internal static unsafe class MatrixVectorKernel
{
    /// <summary>Whether this kernel computes the one-row product of <paramref name="kind"/> on this machine.</summary>
    public static bool Supports(GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Vector256 => Avx2.IsSupported && Fma.IsSupported,
        GemmKernelKind.Scalar => Sse.IsSupported || AdvSimd.Arm64.IsSupported,
        _ => false,
    };

    /// <summary>y[n] = W[n×k]·x[k] (+ bias[n]) (+ y when <paramref name="accumulate"/>), with the bits of <paramref name="kind"/>'s GEMM.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyTransposed(GemmKernelKind kind, float* x, float* w, float* y, int n, int k, float* bias, bool accumulate)
    {
        int kc = GemmDriver.DepthBlock(k);
        if (kind == GemmKernelKind.Vector256)
        {
            Transposed256(x, w, y, n, k, kc, bias, accumulate);
        }
        else
        {
            Transposed128(x, w, y, n, k, kc, bias, accumulate);
        }
    }

    // Four groups of 8 outputs share each pass over x: one group's chain alone would wait on FMA latency.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transposed256(float* x, float* w, float* y, int n, int k, int kc, float* bias, bool accumulate)
    {
        nint ld = k;
        int j = 0;
        for (; j + 32 <= n; j += 32)
        {
            float* g = w + j * ld;
            Vector256<float> r0 = default, r1 = default, r2 = default, r3 = default;
            for (int pc = 0; pc < k; pc += kc)
            {
                int end = Math.Min(pc + kc, k);
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                int p = pc;
                for (; p + 8 <= end; p += 8)
                {
                    a0 = Block256(g + p, ld, x + p, a0);
                    a1 = Block256(g + 8 * ld + p, ld, x + p, a1);
                    a2 = Block256(g + 16 * ld + p, ld, x + p, a2);
                    a3 = Block256(g + 24 * ld + p, ld, x + p, a3);
                }

                for (; p < end; p++)
                {
                    Vector256<float> xp = Vector256.Create(x[p]);
                    a0 = Fma.MultiplyAdd(Column256(g + p, ld), xp, a0);
                    a1 = Fma.MultiplyAdd(Column256(g + 8 * ld + p, ld), xp, a1);
                    a2 = Fma.MultiplyAdd(Column256(g + 16 * ld + p, ld), xp, a2);
                    a3 = Fma.MultiplyAdd(Column256(g + 24 * ld + p, ld), xp, a3);
                }

                r0 = Merge256(pc == 0, a0, r0, bias, accumulate, y, j);
                r1 = Merge256(pc == 0, a1, r1, bias, accumulate, y, j + 8);
                r2 = Merge256(pc == 0, a2, r2, bias, accumulate, y, j + 16);
                r3 = Merge256(pc == 0, a3, r3, bias, accumulate, y, j + 24);
            }

            r0.Store(y + j);
            r1.Store(y + j + 8);
            r2.Store(y + j + 16);
            r3.Store(y + j + 24);
        }

        for (; j + 8 <= n; j += 8)
        {
            float* g = w + j * ld;
            Vector256<float> r = default;
            for (int pc = 0; pc < k; pc += kc)
            {
                int end = Math.Min(pc + kc, k);
                Vector256<float> a = default;
                int p = pc;
                for (; p + 8 <= end; p += 8)
                {
                    a = Block256(g + p, ld, x + p, a);
                }

                for (; p < end; p++)
                {
                    a = Fma.MultiplyAdd(Column256(g + p, ld), Vector256.Create(x[p]), a);
                }

                r = Merge256(pc == 0, a, r, bias, accumulate, y, j);
            }

            r.Store(y + j);
        }

        for (; j < n; j++)
        {
            // The last few outputs: the same per-element chain, one lane at a time.
            float* row = w + j * ld;
            float r = 0;
            for (int pc = 0; pc < k; pc += kc)
            {
                int end = Math.Min(pc + kc, k);
                float a = 0;
                for (int p = pc; p < end; p++)
                {
                    a = MathF.FusedMultiplyAdd(row[p], x[p], a);
                }

                r = MergeScalar(pc == 0, a, r, bias, accumulate, y, j);
            }

            y[j] = r;
        }
    }

    // acc += column p..p+7 of an 8×8 block of W (rows g, g+ld, …) times x[p..p+7], one FMA per k in order.
    // Rows are loaded as 128-bit halves pairing row i with row i+4, so the transpose needs in-lane shuffles only.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Block256(float* g, nint ld, float* x, Vector256<float> acc)
    {
        Vector256<float> v0 = Vector256.Create(Vector128.Load(g), Vector128.Load(g + 4 * ld));
        Vector256<float> v1 = Vector256.Create(Vector128.Load(g + ld), Vector128.Load(g + 5 * ld));
        Vector256<float> v2 = Vector256.Create(Vector128.Load(g + 2 * ld), Vector128.Load(g + 6 * ld));
        Vector256<float> v3 = Vector256.Create(Vector128.Load(g + 3 * ld), Vector128.Load(g + 7 * ld));
        Vector256<float> t0 = Avx.UnpackLow(v0, v1);
        Vector256<float> t1 = Avx.UnpackHigh(v0, v1);
        Vector256<float> t2 = Avx.UnpackLow(v2, v3);
        Vector256<float> t3 = Avx.UnpackHigh(v2, v3);
        acc = Fma.MultiplyAdd(Avx.Shuffle(t0, t2, 0x44), Vector256.Create(x[0]), acc);
        acc = Fma.MultiplyAdd(Avx.Shuffle(t0, t2, 0xEE), Vector256.Create(x[1]), acc);
        acc = Fma.MultiplyAdd(Avx.Shuffle(t1, t3, 0x44), Vector256.Create(x[2]), acc);
        acc = Fma.MultiplyAdd(Avx.Shuffle(t1, t3, 0xEE), Vector256.Create(x[3]), acc);

        v0 = Vector256.Create(Vector128.Load(g + 4), Vector128.Load(g + 4 * ld + 4));
        v1 = Vector256.Create(Vector128.Load(g + ld + 4), Vector128.Load(g + 5 * ld + 4));
        v2 = Vector256.Create(Vector128.Load(g + 2 * ld + 4), Vector128.Load(g + 6 * ld + 4));
        v3 = Vector256.Create(Vector128.Load(g + 3 * ld + 4), Vector128.Load(g + 7 * ld + 4));
        t0 = Avx.UnpackLow(v0, v1);
        t1 = Avx.UnpackHigh(v0, v1);
        t2 = Avx.UnpackLow(v2, v3);
        t3 = Avx.UnpackHigh(v2, v3);
        acc = Fma.MultiplyAdd(Avx.Shuffle(t0, t2, 0x44), Vector256.Create(x[4]), acc);
        acc = Fma.MultiplyAdd(Avx.Shuffle(t0, t2, 0xEE), Vector256.Create(x[5]), acc);
        acc = Fma.MultiplyAdd(Avx.Shuffle(t1, t3, 0x44), Vector256.Create(x[6]), acc);
        acc = Fma.MultiplyAdd(Avx.Shuffle(t1, t3, 0xEE), Vector256.Create(x[7]), acc);
        return acc;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Column256(float* g, nint ld)
        => Vector256.Create(g[0], g[ld], g[2 * ld], g[3 * ld], g[4 * ld], g[5 * ld], g[6 * ld], g[7 * ld]);

    // The GEMM epilogue: the first depth block's sum plus bias plus the old output; each later block's sum plus the running value.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Merge256(bool first, Vector256<float> sum, Vector256<float> running, float* bias, bool accumulate, float* y, int j)
    {
        if (!first)
        {
            return sum + running;
        }

        if (bias != null)
        {
            sum += Vector256.Load(bias + j);
        }

        if (accumulate)
        {
            sum += Vector256.Load(y + j);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float MergeScalar(bool first, float sum, float running, float* bias, bool accumulate, float* y, int j)
    {
        if (!first)
        {
            return sum + running;
        }

        if (bias != null)
        {
            sum += bias[j];
        }

        if (accumulate)
        {
            sum += y[j];
        }

        return sum;
    }

    // The scalar GEMM family rounds the product and the sum separately (no FMA), so this does too, four outputs per vector
    // and four groups per pass over x so the add chains overlap.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transposed128(float* x, float* w, float* y, int n, int k, int kc, float* bias, bool accumulate)
    {
        nint ld = k;
        int j = 0;
        for (; j + 16 <= n; j += 16)
        {
            float* g = w + j * ld;
            Vector128<float> r0 = default, r1 = default, r2 = default, r3 = default;
            for (int pc = 0; pc < k; pc += kc)
            {
                int end = Math.Min(pc + kc, k);
                Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default;
                int p = pc;
                for (; p + 4 <= end; p += 4)
                {
                    a0 = Block128(g + p, ld, x + p, a0);
                    a1 = Block128(g + 4 * ld + p, ld, x + p, a1);
                    a2 = Block128(g + 8 * ld + p, ld, x + p, a2);
                    a3 = Block128(g + 12 * ld + p, ld, x + p, a3);
                }

                for (; p < end; p++)
                {
                    Vector128<float> xp = Vector128.Create(x[p]);
                    a0 += Column128(g + p, ld) * xp;
                    a1 += Column128(g + 4 * ld + p, ld) * xp;
                    a2 += Column128(g + 8 * ld + p, ld) * xp;
                    a3 += Column128(g + 12 * ld + p, ld) * xp;
                }

                r0 = Merge128(pc == 0, a0, r0, bias, accumulate, y, j);
                r1 = Merge128(pc == 0, a1, r1, bias, accumulate, y, j + 4);
                r2 = Merge128(pc == 0, a2, r2, bias, accumulate, y, j + 8);
                r3 = Merge128(pc == 0, a3, r3, bias, accumulate, y, j + 12);
            }

            r0.Store(y + j);
            r1.Store(y + j + 4);
            r2.Store(y + j + 8);
            r3.Store(y + j + 12);
        }

        for (; j + 4 <= n; j += 4)
        {
            float* g = w + j * ld;
            Vector128<float> r = default;
            for (int pc = 0; pc < k; pc += kc)
            {
                int end = Math.Min(pc + kc, k);
                Vector128<float> a = default;
                int p = pc;
                for (; p + 4 <= end; p += 4)
                {
                    a = Block128(g + p, ld, x + p, a);
                }

                for (; p < end; p++)
                {
                    a += Column128(g + p, ld) * Vector128.Create(x[p]);
                }

                r = Merge128(pc == 0, a, r, bias, accumulate, y, j);
            }

            r.Store(y + j);
        }

        for (; j < n; j++)
        {
            float* row = w + j * ld;
            float r = 0;
            for (int pc = 0; pc < k; pc += kc)
            {
                int end = Math.Min(pc + kc, k);
                float a = 0;
                for (int p = pc; p < end; p++)
                {
                    a += row[p] * x[p];
                }

                r = MergeScalar(pc == 0, a, r, bias, accumulate, y, j);
            }

            y[j] = r;
        }
    }

    // acc += (4×4 block of W, transposed) times x[0..3], a rounded product then a rounded add per k, in order.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Block128(float* g, nint ld, float* x, Vector128<float> acc)
    {
        Vector128<float> v0 = Vector128.Load(g);
        Vector128<float> v1 = Vector128.Load(g + ld);
        Vector128<float> v2 = Vector128.Load(g + 2 * ld);
        Vector128<float> v3 = Vector128.Load(g + 3 * ld);
        Vector128<float> c0, c1, c2, c3;
        if (Sse.IsSupported)
        {
            Vector128<float> t0 = Sse.UnpackLow(v0, v1);
            Vector128<float> t1 = Sse.UnpackHigh(v0, v1);
            Vector128<float> t2 = Sse.UnpackLow(v2, v3);
            Vector128<float> t3 = Sse.UnpackHigh(v2, v3);
            c0 = Sse.MoveLowToHigh(t0, t2);
            c1 = Sse.MoveHighToLow(t2, t0);
            c2 = Sse.MoveLowToHigh(t1, t3);
            c3 = Sse.MoveHighToLow(t3, t1);
        }
        else
        {
            Vector128<float> t0 = AdvSimd.Arm64.ZipLow(v0, v1);
            Vector128<float> t1 = AdvSimd.Arm64.ZipHigh(v0, v1);
            Vector128<float> t2 = AdvSimd.Arm64.ZipLow(v2, v3);
            Vector128<float> t3 = AdvSimd.Arm64.ZipHigh(v2, v3);
            c0 = AdvSimd.Arm64.ZipLow(t0.AsDouble(), t2.AsDouble()).AsSingle();
            c1 = AdvSimd.Arm64.ZipHigh(t0.AsDouble(), t2.AsDouble()).AsSingle();
            c2 = AdvSimd.Arm64.ZipLow(t1.AsDouble(), t3.AsDouble()).AsSingle();
            c3 = AdvSimd.Arm64.ZipHigh(t1.AsDouble(), t3.AsDouble()).AsSingle();
        }

        acc += c0 * Vector128.Create(x[0]);
        acc += c1 * Vector128.Create(x[1]);
        acc += c2 * Vector128.Create(x[2]);
        acc += c3 * Vector128.Create(x[3]);
        return acc;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Column128(float* g, nint ld) => Vector128.Create(g[0], g[ld], g[2 * ld], g[3 * ld]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Merge128(bool first, Vector128<float> sum, Vector128<float> running, float* bias, bool accumulate, float* y, int j)
    {
        if (!first)
        {
            return sum + running;
        }

        if (bias != null)
        {
            sum += Vector128.Load(bias + j);
        }

        if (accumulate)
        {
            sum += Vector128.Load(y + j);
        }

        return sum;
    }
}
