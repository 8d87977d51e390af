using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNet.Mlp.Numerics.MatrixMultiplication;

/// <summary>
/// Copies blocks of op(A) and op(B) into the layouts the micro-kernel streams: A as MR-row strips
/// stored k-major (MR values per k step), B as NR-column panels stored k-major (NR values per k step).
/// Transposition happens here, so one kernel serves all four transpose variants.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs rows [i0, i0+mc) and depth [p0, p0+kc) of op(A) into MR strips of stride <paramref name="mr"/>·kc.
    /// Rows past mc in the last strip are left unset: kernels specialised for the strip height never read them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(float* a, bool transposeA, int m, int k, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        if (transposeA)
        {
            PackATransposed(a, m, i0, mc, p0, kc, mr, dst);
            return;
        }

        for (int s = 0; s < mc; s += mr)
        {
            int rows = Math.Min(mr, mc - s);
            float* strip = dst + (nint)s * kc;
            if (mr == GemmMicroKernel.Mr512 && Avx512F.IsSupported)
            {
                PackARows512(a + (nint)(i0 + s) * k + p0, k, rows, kc, strip);
            }
            else if (mr == GemmMicroKernel.Mr256 && Avx.IsSupported)
            {
                PackARows256(a + (nint)(i0 + s) * k + p0, k, rows, kc, strip);
            }
            else
            {
                for (int r = 0; r < rows; r++)
                {
                    float* src = a + (nint)(i0 + s + r) * k + p0;
                    float* d = strip + r;
                    for (int p = 0; p < kc; p++)
                    {
                        d[(nint)p * mr] = src[p];
                    }
                }
            }
        }
    }

    // A is [k×m], so each depth step of op(A) is a contiguous row slice. Walk the source row by row
    // (strided walks down a column alias onto few cache sets when m is a power of two) and deal each
    // slice out to the strips.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackATransposed(float* a, int m, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        int full = mc / mr * mr;
        bool wide = mr == GemmMicroKernel.Mr512;
        for (int p = 0; p < kc; p++)
        {
            float* src = a + (nint)(p0 + p) * m + i0;
            float* d = dst + (nint)p * mr;
            int s = 0;
            if (wide)
            {
                for (; s < full; s += mr)
                {
                    Vector256.Load(src + s).Store(d + (nint)s * kc);
                    Vector128.Load(src + s + 8).Store(d + (nint)s * kc + 8);
                }
            }

            for (; s < mc; s += mr)
            {
                Unsafe.CopyBlockUnaligned(d + (nint)s * kc, src + s, (uint)(Math.Min(mr, mc - s) * sizeof(float)));
            }
        }
    }

    // Interleaves up to 12 row-major rows 16 depths at a time with an in-register transpose. Each 16-lane
    // store spills 4 lanes into the next depth step, which the following store overwrites; the packed
    // buffers keep 16 floats of slack for the final spill. Slots of missing rows get zeros (never read).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackARows512(float* src, int lda, int rows, int kc, float* dst)
    {
        const int Mr = GemmMicroKernel.Mr512;
        int p = 0;
        Vector512<float> z = Vector512<float>.Zero;
        for (; p + 16 <= kc; p += 16)
        {
            float* s = src + p;
            Vector512<float> r0 = Vector512.Load(s);
            Vector512<float> r1 = rows > 1 ? Vector512.Load(s + (nint)lda) : z;
            Vector512<float> r2 = rows > 2 ? Vector512.Load(s + (nint)lda * 2) : z;
            Vector512<float> r3 = rows > 3 ? Vector512.Load(s + (nint)lda * 3) : z;
            Vector512<float> r4 = rows > 4 ? Vector512.Load(s + (nint)lda * 4) : z;
            Vector512<float> r5 = rows > 5 ? Vector512.Load(s + (nint)lda * 5) : z;
            Vector512<float> r6 = rows > 6 ? Vector512.Load(s + (nint)lda * 6) : z;
            Vector512<float> r7 = rows > 7 ? Vector512.Load(s + (nint)lda * 7) : z;
            Vector512<float> r8 = rows > 8 ? Vector512.Load(s + (nint)lda * 8) : z;
            Vector512<float> r9 = rows > 9 ? Vector512.Load(s + (nint)lda * 9) : z;
            Vector512<float> ra = rows > 10 ? Vector512.Load(s + (nint)lda * 10) : z;
            Vector512<float> rb = rows > 11 ? Vector512.Load(s + (nint)lda * 11) : z;
            Vector512<float> rc = z, rd = z, re = z, rf = z;
            Transpose16(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7,
                ref r8, ref r9, ref ra, ref rb, ref rc, ref rd, ref re, ref rf);
            float* d = dst + (nint)p * Mr;
            r0.Store(d);
            r1.Store(d + Mr);
            r2.Store(d + Mr * 2);
            r3.Store(d + Mr * 3);
            r4.Store(d + Mr * 4);
            r5.Store(d + Mr * 5);
            r6.Store(d + Mr * 6);
            r7.Store(d + Mr * 7);
            r8.Store(d + Mr * 8);
            r9.Store(d + Mr * 9);
            ra.Store(d + Mr * 10);
            rb.Store(d + Mr * 11);
            rc.Store(d + Mr * 12);
            rd.Store(d + Mr * 13);
            re.Store(d + Mr * 14);
            rf.Store(d + Mr * 15);
        }

        for (; p < kc; p++)
        {
            for (int r = 0; r < rows; r++)
            {
                dst[(nint)p * Mr + r] = src[(nint)r * lda + p];
            }
        }
    }

    // The 256-bit counterpart of PackARows512: up to 6 rows, 8 depths at a time through an 8×8 transpose. Each 8-lane
    // store spills 2 lanes into the next depth step, which the following store overwrites (slack as above).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackARows256(float* src, int lda, int rows, int kc, float* dst)
    {
        const int Mr = GemmMicroKernel.Mr256;
        int p = 0;
        Vector256<float> z = Vector256<float>.Zero;
        for (; p + 8 <= kc; p += 8)
        {
            float* s = src + p;
            Vector256<float> r0 = Vector256.Load(s);
            Vector256<float> r1 = rows > 1 ? Vector256.Load(s + (nint)lda) : z;
            Vector256<float> r2 = rows > 2 ? Vector256.Load(s + (nint)lda * 2) : z;
            Vector256<float> r3 = rows > 3 ? Vector256.Load(s + (nint)lda * 3) : z;
            Vector256<float> r4 = rows > 4 ? Vector256.Load(s + (nint)lda * 4) : z;
            Vector256<float> r5 = rows > 5 ? Vector256.Load(s + (nint)lda * 5) : z;
            Vector256<float> r6 = z, r7 = z;
            Transpose8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
            float* d = dst + (nint)p * Mr;
            r0.Store(d);
            r1.Store(d + Mr);
            r2.Store(d + Mr * 2);
            r3.Store(d + Mr * 3);
            r4.Store(d + Mr * 4);
            r5.Store(d + Mr * 5);
            r6.Store(d + Mr * 6);
            r7.Store(d + Mr * 7);
        }

        for (; p < kc; p++)
        {
            for (int r = 0; r < rows; r++)
            {
                dst[(nint)p * Mr + r] = src[(nint)r * lda + p];
            }
        }
    }

    /// <summary>
    /// Packs depth [p0, p0+kc) and columns [j0, j0+nc) of op(B) into NR panels of stride <paramref name="nr"/>·kc,
    /// zero-padding the last panel so the kernel can always load full vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(float* b, bool transposeB, int n, int k, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        for (int q = 0; q < nc; q += nr)
        {
            PackBPanel(b, transposeB, n, k, p0, kc, j0 + q, Math.Min(nr, nc - q), nr, dst + (nint)q * kc);
        }
    }

    /// <summary>Packs one NR panel holding <paramref name="cols"/> valid columns starting at column <paramref name="j"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackBPanel(float* b, bool transposeB, int n, int k, int p0, int kc, int j, int cols, int nr, float* dst)
    {
        if (!transposeB)
        {
            // B is [k×n]: each k step is a contiguous row slice.
            float* src = b + (nint)p0 * n + j;
            if (cols == nr)
            {
                for (int p = 0; p < kc; p++)
                {
                    Unsafe.CopyBlockUnaligned(dst + (nint)p * nr, src + (nint)p * n, (uint)(nr * sizeof(float)));
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* d = dst + (nint)p * nr;
                    Unsafe.CopyBlockUnaligned(d, src + (nint)p * n, (uint)(cols * sizeof(float)));
                    new Span<float>(d + cols, nr - cols).Clear();
                }
            }

            return;
        }

        // B is [n×k]: column j of op(B) is row j of B, so the panel is a transpose.
        int c = 0;
        if (Avx512F.IsSupported)
        {
            for (; c + 16 <= cols; c += 16)
            {
                Transpose16Rows(b + (nint)(j + c) * k + p0, k, kc, dst + c, nr);
            }
        }
        else if (Avx.IsSupported)
        {
            for (; c + 8 <= cols; c += 8)
            {
                Transpose8Rows(b + (nint)(j + c) * k + p0, k, kc, dst + c, nr);
            }
        }
        else if (Sse.IsSupported)
        {
            for (; c + 4 <= cols; c += 4)
            {
                Transpose4Rows(b + (nint)(j + c) * k + p0, k, kc, dst + c, nr);
            }
        }

        for (; c < cols; c++)
        {
            float* src = b + (nint)(j + c) * k + p0;
            float* d = dst + c;
            for (int p = 0; p < kc; p++)
            {
                d[(nint)p * nr] = src[p];
            }
        }

        if (cols < nr)
        {
            for (int p = 0; p < kc; p++)
            {
                new Span<float>(dst + (nint)p * nr + cols, nr - cols).Clear();
            }
        }
    }

    // dst[p*ldd + r] = src[r*lds + p] for r < 16, p < kc, via in-register 16×16 transposes.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose16Rows(float* src, int lds, int kc, float* dst, int ldd)
    {
        int p = 0;
        for (; p + 16 <= kc; p += 16)
        {
            float* s = src + p;
            Vector512<float> r0 = Vector512.Load(s);
            Vector512<float> r1 = Vector512.Load(s + (nint)lds);
            Vector512<float> r2 = Vector512.Load(s + (nint)lds * 2);
            Vector512<float> r3 = Vector512.Load(s + (nint)lds * 3);
            Vector512<float> r4 = Vector512.Load(s + (nint)lds * 4);
            Vector512<float> r5 = Vector512.Load(s + (nint)lds * 5);
            Vector512<float> r6 = Vector512.Load(s + (nint)lds * 6);
            Vector512<float> r7 = Vector512.Load(s + (nint)lds * 7);
            Vector512<float> r8 = Vector512.Load(s + (nint)lds * 8);
            Vector512<float> r9 = Vector512.Load(s + (nint)lds * 9);
            Vector512<float> ra = Vector512.Load(s + (nint)lds * 10);
            Vector512<float> rb = Vector512.Load(s + (nint)lds * 11);
            Vector512<float> rc = Vector512.Load(s + (nint)lds * 12);
            Vector512<float> rd = Vector512.Load(s + (nint)lds * 13);
            Vector512<float> re = Vector512.Load(s + (nint)lds * 14);
            Vector512<float> rf = Vector512.Load(s + (nint)lds * 15);
            Transpose16(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7,
                ref r8, ref r9, ref ra, ref rb, ref rc, ref rd, ref re, ref rf);
            float* d = dst + (nint)p * ldd;
            r0.Store(d);
            r1.Store(d + (nint)ldd);
            r2.Store(d + (nint)ldd * 2);
            r3.Store(d + (nint)ldd * 3);
            r4.Store(d + (nint)ldd * 4);
            r5.Store(d + (nint)ldd * 5);
            r6.Store(d + (nint)ldd * 6);
            r7.Store(d + (nint)ldd * 7);
            r8.Store(d + (nint)ldd * 8);
            r9.Store(d + (nint)ldd * 9);
            ra.Store(d + (nint)ldd * 10);
            rb.Store(d + (nint)ldd * 11);
            rc.Store(d + (nint)ldd * 12);
            rd.Store(d + (nint)ldd * 13);
            re.Store(d + (nint)ldd * 14);
            rf.Store(d + (nint)ldd * 15);
        }

        for (; p < kc; p++)
        {
            float* d = dst + (nint)p * ldd;
            for (int r = 0; r < 16; r++)
            {
                d[r] = src[(nint)r * lds + p];
            }
        }
    }

    // dst[p*ldd + r] = src[r*lds + p] for r < 8, p < kc, via in-register 8×8 transposes.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose8Rows(float* src, int lds, int kc, float* dst, int ldd)
    {
        int p = 0;
        for (; p + 8 <= kc; p += 8)
        {
            float* s = src + p;
            Vector256<float> r0 = Vector256.Load(s);
            Vector256<float> r1 = Vector256.Load(s + (nint)lds);
            Vector256<float> r2 = Vector256.Load(s + (nint)lds * 2);
            Vector256<float> r3 = Vector256.Load(s + (nint)lds * 3);
            Vector256<float> r4 = Vector256.Load(s + (nint)lds * 4);
            Vector256<float> r5 = Vector256.Load(s + (nint)lds * 5);
            Vector256<float> r6 = Vector256.Load(s + (nint)lds * 6);
            Vector256<float> r7 = Vector256.Load(s + (nint)lds * 7);
            Transpose8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
            float* d = dst + (nint)p * ldd;
            r0.Store(d);
            r1.Store(d + (nint)ldd);
            r2.Store(d + (nint)ldd * 2);
            r3.Store(d + (nint)ldd * 3);
            r4.Store(d + (nint)ldd * 4);
            r5.Store(d + (nint)ldd * 5);
            r6.Store(d + (nint)ldd * 6);
            r7.Store(d + (nint)ldd * 7);
        }

        for (; p < kc; p++)
        {
            float* d = dst + (nint)p * ldd;
            for (int r = 0; r < 8; r++)
            {
                d[r] = src[(nint)r * lds + p];
            }
        }
    }

    // dst[p*ldd + r] = src[r*lds + p] for r < 4, p < kc, via in-register 4×4 transposes.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose4Rows(float* src, int lds, int kc, float* dst, int ldd)
    {
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            float* s = src + p;
            Vector128<float> r0 = Vector128.Load(s);
            Vector128<float> r1 = Vector128.Load(s + (nint)lds);
            Vector128<float> r2 = Vector128.Load(s + (nint)lds * 2);
            Vector128<float> r3 = Vector128.Load(s + (nint)lds * 3);
            Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackLow(r2, r3), t2 = Sse.UnpackHigh(r0, r1), t3 = Sse.UnpackHigh(r2, r3);
            float* d = dst + (nint)p * ldd;
            Sse.MoveLowToHigh(t0, t1).Store(d);
            Sse.MoveHighToLow(t1, t0).Store(d + (nint)ldd);
            Sse.MoveLowToHigh(t2, t3).Store(d + (nint)ldd * 2);
            Sse.MoveHighToLow(t3, t2).Store(d + (nint)ldd * 3);
        }

        for (; p < kc; p++)
        {
            float* d = dst + (nint)p * ldd;
            for (int r = 0; r < 4; r++)
            {
                d[r] = src[(nint)r * lds + p];
            }
        }
    }

    // Row i of the result is column i of the input: pairs, then pairs of pairs within 128-bit lanes, then lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3,
        ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6, ref Vector256<float> r7)
    {
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        r0 = Avx.Permute2x128(u0, u4, 0x20); r1 = Avx.Permute2x128(u1, u5, 0x20); r2 = Avx.Permute2x128(u2, u6, 0x20); r3 = Avx.Permute2x128(u3, u7, 0x20);
        r4 = Avx.Permute2x128(u0, u4, 0x31); r5 = Avx.Permute2x128(u1, u5, 0x31); r6 = Avx.Permute2x128(u2, u6, 0x31); r7 = Avx.Permute2x128(u3, u7, 0x31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose16(ref Vector512<float> r0, ref Vector512<float> r1, ref Vector512<float> r2, ref Vector512<float> r3,
        ref Vector512<float> r4, ref Vector512<float> r5, ref Vector512<float> r6, ref Vector512<float> r7,
        ref Vector512<float> r8, ref Vector512<float> r9, ref Vector512<float> ra, ref Vector512<float> rb,
        ref Vector512<float> rc, ref Vector512<float> rd, ref Vector512<float> re, ref Vector512<float> rf)
    {
        // Interleave pairs of rows, then pairs of pairs, then 128-bit lanes twice (the classic 4-stage network).
        Vector512<float> t0 = UnpackLo(r0, r1), t1 = UnpackHi(r0, r1), t2 = UnpackLo(r2, r3), t3 = UnpackHi(r2, r3);
        Vector512<float> t4 = UnpackLo(r4, r5), t5 = UnpackHi(r4, r5), t6 = UnpackLo(r6, r7), t7 = UnpackHi(r6, r7);
        Vector512<float> t8 = UnpackLo(r8, r9), t9 = UnpackHi(r8, r9), ta = UnpackLo(ra, rb), tb = UnpackHi(ra, rb);
        Vector512<float> tc = UnpackLo(rc, rd), td = UnpackHi(rc, rd), te = UnpackLo(re, rf), tf = UnpackHi(re, rf);

        r0 = UnpackLo64(t0, t2); r1 = UnpackHi64(t0, t2); r2 = UnpackLo64(t1, t3); r3 = UnpackHi64(t1, t3);
        r4 = UnpackLo64(t4, t6); r5 = UnpackHi64(t4, t6); r6 = UnpackLo64(t5, t7); r7 = UnpackHi64(t5, t7);
        r8 = UnpackLo64(t8, ta); r9 = UnpackHi64(t8, ta); ra = UnpackLo64(t9, tb); rb = UnpackHi64(t9, tb);
        rc = UnpackLo64(tc, te); rd = UnpackHi64(tc, te); re = UnpackLo64(td, tf); rf = UnpackHi64(td, tf);

        t0 = Lanes(r0, r4, 0x88); t1 = Lanes(r1, r5, 0x88); t2 = Lanes(r2, r6, 0x88); t3 = Lanes(r3, r7, 0x88);
        t4 = Lanes(r0, r4, 0xdd); t5 = Lanes(r1, r5, 0xdd); t6 = Lanes(r2, r6, 0xdd); t7 = Lanes(r3, r7, 0xdd);
        t8 = Lanes(r8, rc, 0x88); t9 = Lanes(r9, rd, 0x88); ta = Lanes(ra, re, 0x88); tb = Lanes(rb, rf, 0x88);
        tc = Lanes(r8, rc, 0xdd); td = Lanes(r9, rd, 0xdd); te = Lanes(ra, re, 0xdd); tf = Lanes(rb, rf, 0xdd);

        r0 = Lanes(t0, t8, 0x88); r1 = Lanes(t1, t9, 0x88); r2 = Lanes(t2, ta, 0x88); r3 = Lanes(t3, tb, 0x88);
        r4 = Lanes(t4, tc, 0x88); r5 = Lanes(t5, td, 0x88); r6 = Lanes(t6, te, 0x88); r7 = Lanes(t7, tf, 0x88);
        r8 = Lanes(t0, t8, 0xdd); r9 = Lanes(t1, t9, 0xdd); ra = Lanes(t2, ta, 0xdd); rb = Lanes(t3, tb, 0xdd);
        rc = Lanes(t4, tc, 0xdd); rd = Lanes(t5, td, 0xdd); re = Lanes(t6, te, 0xdd); rf = Lanes(t7, tf, 0xdd);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> UnpackLo(Vector512<float> x, Vector512<float> y) =>
        Avx512F.UnpackLow(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> UnpackHi(Vector512<float> x, Vector512<float> y) =>
        Avx512F.UnpackHigh(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> UnpackLo64(Vector512<float> x, Vector512<float> y) =>
        Avx512F.UnpackLow(x.AsDouble(), y.AsDouble()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> UnpackHi64(Vector512<float> x, Vector512<float> y) =>
        Avx512F.UnpackHigh(x.AsDouble(), y.AsDouble()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Lanes(Vector512<float> x, Vector512<float> y, [ConstantExpected] byte control) =>
        Avx512F.Shuffle4x128(x, y, control);
}
