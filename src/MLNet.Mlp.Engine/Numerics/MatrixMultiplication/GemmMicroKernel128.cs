using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace MLNet.Mlp.Numerics.MatrixMultiplication;

/// <summary>
/// 128-bit register tiles for machines without 256-bit vectors (x64 with AVX2 off, ARM64), on the 256-bit kernel's
/// MR×NR tile and packing. Same invariant as <see cref="GemmMicroKernel"/>: one accumulation chain per output element
/// in k order. The chain fuses multiply and add only where the hardware does (FMA, AdvSimd); elsewhere it is a
/// multiply then an add, never a software fused multiply-add.
/// </summary>
internal static unsafe class GemmMicroKernel128
{
    /// <summary>Whether the chain is a hardware fused multiply-add (otherwise a rounded multiply, then an add).</summary>
    public static bool IsFused => Fma.IsSupported || AdvSimd.IsSupported;

    /// <summary>Dispatches to the kernel specialised for <paramref name="rows"/> (at most <see cref="GemmMicroKernel.Mr256"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int rows, int kc, float* a, float* b, nint ldb, float* c, nint ldc, float* bias, bool loadC)
    {
        // x64 has 16 vector registers: the 6×16 tile runs as two 6×8 halves (12 accumulators each), and the
        // second half rereads the A strip from L1.
        switch (rows)
        {
            case 1: K<Rows1>(kc, a, b, ldb, c, ldc, bias, loadC); K<Rows1>(kc, a, b + 8, ldb, c + 8, ldc, bias == null ? null : bias + 8, loadC); break;
            case 2: K<Rows2>(kc, a, b, ldb, c, ldc, bias, loadC); K<Rows2>(kc, a, b + 8, ldb, c + 8, ldc, bias == null ? null : bias + 8, loadC); break;
            case 3: K<Rows3>(kc, a, b, ldb, c, ldc, bias, loadC); K<Rows3>(kc, a, b + 8, ldb, c + 8, ldc, bias == null ? null : bias + 8, loadC); break;
            case 4: K<Rows4>(kc, a, b, ldb, c, ldc, bias, loadC); K<Rows4>(kc, a, b + 8, ldb, c + 8, ldc, bias == null ? null : bias + 8, loadC); break;
            case 5: K<Rows5>(kc, a, b, ldb, c, ldc, bias, loadC); K<Rows5>(kc, a, b + 8, ldb, c + 8, ldc, bias == null ? null : bias + 8, loadC); break;
            case 6: K<Rows6>(kc, a, b, ldb, c, ldc, bias, loadC); K<Rows6>(kc, a, b + 8, ldb, c + 8, ldc, bias == null ? null : bias + 8, loadC); break;
            default: throw new ArgumentOutOfRangeException(nameof(rows));
        }
    }

    // With VEX encoding (AVX without AVX2, the x64 128-bit case) a broadcast is a plain load; otherwise it is a load
    // plus a shuffle on a port the multiplies and adds need.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Broadcast(float* x) => Avx.IsSupported ? Avx.BroadcastScalarToVector128(x) : Vector128.Create(*x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> MulAdd(Vector128<float> x, Vector128<float> y, Vector128<float> acc)
        => Fma.IsSupported || AdvSimd.IsSupported ? Vector128.FusedMultiplyAdd(x, y, acc) : (x * y) + acc;

    // Columns [0, 8) of the tile at b and c.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void K<TR>(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float* bias, bool loadC) where TR : struct, IRowCount
    {
        Vector128<float> c0_0 = default; Vector128<float> c0_1 = default;
        Vector128<float> c1_0 = default; Vector128<float> c1_1 = default;
        Vector128<float> c2_0 = default; Vector128<float> c2_1 = default;
        Vector128<float> c3_0 = default; Vector128<float> c3_1 = default;
        Vector128<float> c4_0 = default; Vector128<float> c4_1 = default;
        Vector128<float> c5_0 = default; Vector128<float> c5_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector128<float> b0 = Vector128.Load(b + 0);
            Vector128<float> b1 = Vector128.Load(b + 4);
            Vector128<float> a0 = Broadcast(a + 0);
            c0_0 = MulAdd(a0, b0, c0_0);
            c0_1 = MulAdd(a0, b1, c0_1);
            if (TR.Value > 1)
            {
                Vector128<float> a1 = Broadcast(a + 1);
                c1_0 = MulAdd(a1, b0, c1_0);
                c1_1 = MulAdd(a1, b1, c1_1);
            }
            if (TR.Value > 2)
            {
                Vector128<float> a2 = Broadcast(a + 2);
                c2_0 = MulAdd(a2, b0, c2_0);
                c2_1 = MulAdd(a2, b1, c2_1);
            }
            if (TR.Value > 3)
            {
                Vector128<float> a3 = Broadcast(a + 3);
                c3_0 = MulAdd(a3, b0, c3_0);
                c3_1 = MulAdd(a3, b1, c3_1);
            }
            if (TR.Value > 4)
            {
                Vector128<float> a4 = Broadcast(a + 4);
                c4_0 = MulAdd(a4, b0, c4_0);
                c4_1 = MulAdd(a4, b1, c4_1);
            }
            if (TR.Value > 5)
            {
                Vector128<float> a5 = Broadcast(a + 5);
                c5_0 = MulAdd(a5, b0, c5_0);
                c5_1 = MulAdd(a5, b1, c5_1);
            }
            a += 6;
            b += ldb;
        }

        Vector128<float> bias0 = default, bias1 = default;
        bool hasBias = bias != null;
        if (hasBias)
        {
            bias0 = Vector128.Load(bias + 0);
            bias1 = Vector128.Load(bias + 4);
        }

        Finish8(c, c0_0, c0_1, bias0, bias1, hasBias, loadC);
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

    // Epilogue order is fixed (acc, then bias, then old C), as in the wider kernels and the scalar edge merge.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish8(float* c, Vector128<float> v0, Vector128<float> v1, Vector128<float> bias0, Vector128<float> bias1, bool hasBias, bool loadC)
    {
        if (hasBias)
        {
            v0 += bias0;
            v1 += bias1;
        }
        if (loadC)
        {
            v0 += Vector128.Load(c + 0);
            v1 += Vector128.Load(c + 4);
        }
        v0.Store(c + 0);
        v1.Store(c + 4);
    }
}
