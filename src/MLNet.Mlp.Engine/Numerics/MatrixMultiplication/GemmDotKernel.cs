using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MLNet.Mlp.Numerics.MatrixMultiplication;

/// <summary>
/// Dot-product kernel for A·Bᵀ with few rows: both operands are contiguous along k, so tiles of up to
/// 8 rows of A × 3 rows of B are reduced straight from the caller's memory. With a handful of rows,
/// packing (transposing) B would cost as much as the multiply itself.
/// Per element: 16 lane-wise FMA chains over k, a fixed horizontal sum, then the k tail in order.
/// </summary>
internal static unsafe class GemmDotKernel
{
    /// <summary>Rows of A per tile.</summary>
    public const int TileRows = 8;

    /// <summary>Rows of B (output columns) per tile.</summary>
    public const int TileCols = 3;

    /// <summary>C[rows×cols] block: a is [rows×k] with row stride k, b is [cols×k] with row stride k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* a, float* b, int k, float* c, nint ldc, int rows, int cols, float* bias, bool accumulate)
    {
        int i0 = 0;
        if (rows == 1)
        {
            // A single row has only TileCols independent chains per tile; eight keep both FMA pipes busy.
            int j = 0;
            for (; j + 8 <= cols; j += 8)
            {
                Dot1x8(a, b + (nint)j * k, k, c + j, bias == null ? null : bias + j, accumulate);
            }

            for (; j < cols; j += TileCols)
            {
                Tile(1, Math.Min(TileCols, cols - j), a, b + (nint)j * k, k, c + j, ldc, bias == null ? null : bias + j, accumulate);
            }

            i0 = 1;
        }

        // Each strip of rows streams all of B once, so use as few strips as possible and balance their
        // heights (20 rows: 7+7+6 rather than 8+8+4, whose thin last pass would be bound by B traffic).
        int strips = (rows - i0 + TileRows - 1) / TileRows;
        for (int i = i0; i < rows; strips--)
        {
            int h = (rows - i + strips - 1) / strips;
            for (int j = 0; j < cols; j += TileCols)
            {
                int w = Math.Min(TileCols, cols - j);
                Tile(h, w, a + (nint)i * k, b + (nint)j * k, k, c + i * ldc + j, ldc, bias == null ? null : bias + j, accumulate);
            }

            i += h;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile(int h, int w, float* a, float* b, int k, float* c, nint ldc, float* bias, bool accumulate)
    {
        switch (h * 8 + w)
        {
            case 9: Dot<Rows1, Rows1>(a, b, k, c, ldc, bias, accumulate); break;
            case 10: Dot<Rows1, Rows2>(a, b, k, c, ldc, bias, accumulate); break;
            case 11: Dot<Rows1, Rows3>(a, b, k, c, ldc, bias, accumulate); break;
            case 17: Dot<Rows2, Rows1>(a, b, k, c, ldc, bias, accumulate); break;
            case 18: Dot<Rows2, Rows2>(a, b, k, c, ldc, bias, accumulate); break;
            case 19: Dot<Rows2, Rows3>(a, b, k, c, ldc, bias, accumulate); break;
            case 25: Dot<Rows3, Rows1>(a, b, k, c, ldc, bias, accumulate); break;
            case 26: Dot<Rows3, Rows2>(a, b, k, c, ldc, bias, accumulate); break;
            case 27: Dot<Rows3, Rows3>(a, b, k, c, ldc, bias, accumulate); break;
            case 33: Dot<Rows4, Rows1>(a, b, k, c, ldc, bias, accumulate); break;
            case 34: Dot<Rows4, Rows2>(a, b, k, c, ldc, bias, accumulate); break;
            case 35: Dot<Rows4, Rows3>(a, b, k, c, ldc, bias, accumulate); break;
            case 41: Dot<Rows5, Rows1>(a, b, k, c, ldc, bias, accumulate); break;
            case 42: Dot<Rows5, Rows2>(a, b, k, c, ldc, bias, accumulate); break;
            case 43: Dot<Rows5, Rows3>(a, b, k, c, ldc, bias, accumulate); break;
            case 49: Dot<Rows6, Rows1>(a, b, k, c, ldc, bias, accumulate); break;
            case 50: Dot<Rows6, Rows2>(a, b, k, c, ldc, bias, accumulate); break;
            case 51: Dot<Rows6, Rows3>(a, b, k, c, ldc, bias, accumulate); break;
            case 57: Dot<Rows7, Rows1>(a, b, k, c, ldc, bias, accumulate); break;
            case 58: Dot<Rows7, Rows2>(a, b, k, c, ldc, bias, accumulate); break;
            case 59: Dot<Rows7, Rows3>(a, b, k, c, ldc, bias, accumulate); break;
            case 65: Dot<Rows8, Rows1>(a, b, k, c, ldc, bias, accumulate); break;
            case 66: Dot<Rows8, Rows2>(a, b, k, c, ldc, bias, accumulate); break;
            case 67: Dot<Rows8, Rows3>(a, b, k, c, ldc, bias, accumulate); break;
            default: throw new ArgumentOutOfRangeException(nameof(h));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot<TR, TC>(float* a, float* b, int k, float* c, nint ldc, float* bias, bool accumulate)
        where TR : struct, IRowCount
        where TC : struct, IRowCount
    {
        nint ld = k;
        Vector512<float> s00 = default; Vector512<float> s01 = default; Vector512<float> s02 = default;
        Vector512<float> s10 = default; Vector512<float> s11 = default; Vector512<float> s12 = default;
        Vector512<float> s20 = default; Vector512<float> s21 = default; Vector512<float> s22 = default;
        Vector512<float> s30 = default; Vector512<float> s31 = default; Vector512<float> s32 = default;
        Vector512<float> s40 = default; Vector512<float> s41 = default; Vector512<float> s42 = default;
        Vector512<float> s50 = default; Vector512<float> s51 = default; Vector512<float> s52 = default;
        Vector512<float> s60 = default; Vector512<float> s61 = default; Vector512<float> s62 = default;
        Vector512<float> s70 = default; Vector512<float> s71 = default; Vector512<float> s72 = default;
        int p = 0;
        for (; p + 16 <= k; p += 16)
        {
            Vector512<float> b0 = Vector512.Load(b + p);
            Vector512<float> b1 = TC.Value > 1 ? Vector512.Load(b + ld * 1 + p) : default;
            Vector512<float> b2 = TC.Value > 2 ? Vector512.Load(b + ld * 2 + p) : default;
            Vector512<float> a0 = Vector512.Load(a + ld * 0 + p);
            s00 = Vector512.FusedMultiplyAdd(a0, b0, s00);
            if (TC.Value > 1) s01 = Vector512.FusedMultiplyAdd(a0, b1, s01);
            if (TC.Value > 2) s02 = Vector512.FusedMultiplyAdd(a0, b2, s02);
            if (TR.Value > 1)
            {
                Vector512<float> a1 = Vector512.Load(a + ld * 1 + p);
                s10 = Vector512.FusedMultiplyAdd(a1, b0, s10);
                if (TC.Value > 1) s11 = Vector512.FusedMultiplyAdd(a1, b1, s11);
                if (TC.Value > 2) s12 = Vector512.FusedMultiplyAdd(a1, b2, s12);
            }
            if (TR.Value > 2)
            {
                Vector512<float> a2 = Vector512.Load(a + ld * 2 + p);
                s20 = Vector512.FusedMultiplyAdd(a2, b0, s20);
                if (TC.Value > 1) s21 = Vector512.FusedMultiplyAdd(a2, b1, s21);
                if (TC.Value > 2) s22 = Vector512.FusedMultiplyAdd(a2, b2, s22);
            }
            if (TR.Value > 3)
            {
                Vector512<float> a3 = Vector512.Load(a + ld * 3 + p);
                s30 = Vector512.FusedMultiplyAdd(a3, b0, s30);
                if (TC.Value > 1) s31 = Vector512.FusedMultiplyAdd(a3, b1, s31);
                if (TC.Value > 2) s32 = Vector512.FusedMultiplyAdd(a3, b2, s32);
            }
            if (TR.Value > 4)
            {
                Vector512<float> a4 = Vector512.Load(a + ld * 4 + p);
                s40 = Vector512.FusedMultiplyAdd(a4, b0, s40);
                if (TC.Value > 1) s41 = Vector512.FusedMultiplyAdd(a4, b1, s41);
                if (TC.Value > 2) s42 = Vector512.FusedMultiplyAdd(a4, b2, s42);
            }
            if (TR.Value > 5)
            {
                Vector512<float> a5 = Vector512.Load(a + ld * 5 + p);
                s50 = Vector512.FusedMultiplyAdd(a5, b0, s50);
                if (TC.Value > 1) s51 = Vector512.FusedMultiplyAdd(a5, b1, s51);
                if (TC.Value > 2) s52 = Vector512.FusedMultiplyAdd(a5, b2, s52);
            }
            if (TR.Value > 6)
            {
                Vector512<float> a6 = Vector512.Load(a + ld * 6 + p);
                s60 = Vector512.FusedMultiplyAdd(a6, b0, s60);
                if (TC.Value > 1) s61 = Vector512.FusedMultiplyAdd(a6, b1, s61);
                if (TC.Value > 2) s62 = Vector512.FusedMultiplyAdd(a6, b2, s62);
            }
            if (TR.Value > 7)
            {
                Vector512<float> a7 = Vector512.Load(a + ld * 7 + p);
                s70 = Vector512.FusedMultiplyAdd(a7, b0, s70);
                if (TC.Value > 1) s71 = Vector512.FusedMultiplyAdd(a7, b1, s71);
                if (TC.Value > 2) s72 = Vector512.FusedMultiplyAdd(a7, b2, s72);
            }
        }

        Finish(s00, a + ld * 0, b + ld * 0, p, k, c + ldc * 0 + 0, bias, 0, accumulate);

        if (TC.Value > 1)
        {
            Finish(s01, a + ld * 0, b + ld * 1, p, k, c + ldc * 0 + 1, bias, 1, accumulate);
        }

        if (TC.Value > 2)
        {
            Finish(s02, a + ld * 0, b + ld * 2, p, k, c + ldc * 0 + 2, bias, 2, accumulate);
        }

        if (TR.Value > 1)
        {
            Finish(s10, a + ld * 1, b + ld * 0, p, k, c + ldc * 1 + 0, bias, 0, accumulate);
        }

        if (TR.Value > 1 && TC.Value > 1)
        {
            Finish(s11, a + ld * 1, b + ld * 1, p, k, c + ldc * 1 + 1, bias, 1, accumulate);
        }

        if (TR.Value > 1 && TC.Value > 2)
        {
            Finish(s12, a + ld * 1, b + ld * 2, p, k, c + ldc * 1 + 2, bias, 2, accumulate);
        }

        if (TR.Value > 2)
        {
            Finish(s20, a + ld * 2, b + ld * 0, p, k, c + ldc * 2 + 0, bias, 0, accumulate);
        }

        if (TR.Value > 2 && TC.Value > 1)
        {
            Finish(s21, a + ld * 2, b + ld * 1, p, k, c + ldc * 2 + 1, bias, 1, accumulate);
        }

        if (TR.Value > 2 && TC.Value > 2)
        {
            Finish(s22, a + ld * 2, b + ld * 2, p, k, c + ldc * 2 + 2, bias, 2, accumulate);
        }

        if (TR.Value > 3)
        {
            Finish(s30, a + ld * 3, b + ld * 0, p, k, c + ldc * 3 + 0, bias, 0, accumulate);
        }

        if (TR.Value > 3 && TC.Value > 1)
        {
            Finish(s31, a + ld * 3, b + ld * 1, p, k, c + ldc * 3 + 1, bias, 1, accumulate);
        }

        if (TR.Value > 3 && TC.Value > 2)
        {
            Finish(s32, a + ld * 3, b + ld * 2, p, k, c + ldc * 3 + 2, bias, 2, accumulate);
        }

        if (TR.Value > 4)
        {
            Finish(s40, a + ld * 4, b + ld * 0, p, k, c + ldc * 4 + 0, bias, 0, accumulate);
        }

        if (TR.Value > 4 && TC.Value > 1)
        {
            Finish(s41, a + ld * 4, b + ld * 1, p, k, c + ldc * 4 + 1, bias, 1, accumulate);
        }

        if (TR.Value > 4 && TC.Value > 2)
        {
            Finish(s42, a + ld * 4, b + ld * 2, p, k, c + ldc * 4 + 2, bias, 2, accumulate);
        }

        if (TR.Value > 5)
        {
            Finish(s50, a + ld * 5, b + ld * 0, p, k, c + ldc * 5 + 0, bias, 0, accumulate);
        }

        if (TR.Value > 5 && TC.Value > 1)
        {
            Finish(s51, a + ld * 5, b + ld * 1, p, k, c + ldc * 5 + 1, bias, 1, accumulate);
        }

        if (TR.Value > 5 && TC.Value > 2)
        {
            Finish(s52, a + ld * 5, b + ld * 2, p, k, c + ldc * 5 + 2, bias, 2, accumulate);
        }

        if (TR.Value > 6)
        {
            Finish(s60, a + ld * 6, b + ld * 0, p, k, c + ldc * 6 + 0, bias, 0, accumulate);
        }

        if (TR.Value > 6 && TC.Value > 1)
        {
            Finish(s61, a + ld * 6, b + ld * 1, p, k, c + ldc * 6 + 1, bias, 1, accumulate);
        }

        if (TR.Value > 6 && TC.Value > 2)
        {
            Finish(s62, a + ld * 6, b + ld * 2, p, k, c + ldc * 6 + 2, bias, 2, accumulate);
        }

        if (TR.Value > 7)
        {
            Finish(s70, a + ld * 7, b + ld * 0, p, k, c + ldc * 7 + 0, bias, 0, accumulate);
        }

        if (TR.Value > 7 && TC.Value > 1)
        {
            Finish(s71, a + ld * 7, b + ld * 1, p, k, c + ldc * 7 + 1, bias, 1, accumulate);
        }

        if (TR.Value > 7 && TC.Value > 2)
        {
            Finish(s72, a + ld * 7, b + ld * 2, p, k, c + ldc * 7 + 2, bias, 2, accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot1x8(float* a, float* b, int k, float* c, float* bias, bool accumulate)
    {
        nint ld = k;
        Vector512<float> s0 = default; Vector512<float> s1 = default; Vector512<float> s2 = default; Vector512<float> s3 = default; Vector512<float> s4 = default; Vector512<float> s5 = default; Vector512<float> s6 = default; Vector512<float> s7 = default;
        int p = 0;
        for (; p + 16 <= k; p += 16)
        {
            Vector512<float> x = Vector512.Load(a + p);
            s0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + ld * 0 + p), s0);
            s1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + ld * 1 + p), s1);
            s2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + ld * 2 + p), s2);
            s3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + ld * 3 + p), s3);
            s4 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + ld * 4 + p), s4);
            s5 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + ld * 5 + p), s5);
            s6 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + ld * 6 + p), s6);
            s7 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + ld * 7 + p), s7);
        }

        Finish(s0, a, b + ld * 0, p, k, c + 0, bias, 0, accumulate);
        Finish(s1, a, b + ld * 1, p, k, c + 1, bias, 1, accumulate);
        Finish(s2, a, b + ld * 2, p, k, c + 2, bias, 2, accumulate);
        Finish(s3, a, b + ld * 3, p, k, c + 3, bias, 3, accumulate);
        Finish(s4, a, b + ld * 4, p, k, c + 4, bias, 4, accumulate);
        Finish(s5, a, b + ld * 5, p, k, c + 5, bias, 5, accumulate);
        Finish(s6, a, b + ld * 6, p, k, c + 6, bias, 6, accumulate);
        Finish(s7, a, b + ld * 7, p, k, c + 7, bias, 7, accumulate);
    }

    // Halving tree (512→256→128→64→32): ~8 instructions where Vector512.Sum emits ~25, and a tile
    // does up to 24 of these. Fixed order, so the result is deterministic.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float HorizontalSum(Vector512<float> v)
    {
        Vector256<float> h = v.GetLower() + v.GetUpper();
        Vector128<float> q = h.GetLower() + h.GetUpper();
        q += Vector128.Shuffle(q, Vector128.Create(2, 3, 0, 1));
        q += Vector128.Shuffle(q, Vector128.Create(1, 0, 3, 2));
        return q.ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(Vector512<float> lanes, float* a, float* b, int p, int k, float* c, float* bias, int j, bool accumulate)
    {
        float s = HorizontalSum(lanes);
        for (; p < k; p++)
        {
            s = MathF.FusedMultiplyAdd(a[p], b[p], s);
        }

        if (bias != null)
        {
            s += bias[j];
        }

        if (accumulate)
        {
            s += *c;
        }

        *c = s;
    }
}
