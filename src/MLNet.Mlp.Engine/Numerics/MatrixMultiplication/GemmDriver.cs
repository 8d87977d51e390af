using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MLNet.Mlp.Numerics.Parallel;

namespace MLNet.Mlp.Numerics.MatrixMultiplication;

/// <summary>
/// BLIS-style blocked loops around the micro-kernel. The depth blocking depends only on k, and every
/// output element is one FMA chain per depth block added to C in block order, so any split of the
/// output over threads gives bit-identical results.
/// </summary>
internal static unsafe class GemmDriver
{
    /// <summary>Largest depth block: a KC×NR packed B panel (32 KB) stays in the 48 KB L1.</summary>
    public const int KcMax = 256;

    /// <summary>Rows of A packed at once: MC×KC (≈400 KB) stays in L2.</summary>
    public const int McMax = 384;

    /// <summary>Columns of B packed at once.</summary>
    public const int NcMax = 2048;

    /// <summary>
    /// Largest shared operand (in floats, 16 MB) a thread keeps packed across the chunks of a job.
    /// Settable so tests can exercise the block-by-block fallback on small shapes.
    /// </summary>
    internal static long WholeOperandMaxFloats = 1L << 22;

    /// <summary>Below this many multiply-adds a second thread costs more in hand-off than it saves.</summary>
    public const long ParallelMinMacs = 1L << 19;

    /// <summary>With at most this many rows a non-transposed B is always read in place (it is used only once or twice).</summary>
    public const int DirectBMaxRows = 24;

    /// <summary>A·Bᵀ with at most this many rows uses the dot-product kernel instead of packing B.</summary>
    public const int DotMaxRows = 32;

    /// <summary>The best kernel this machine runs.</summary>
    public static readonly GemmKernelKind DefaultKind =
        Vector512.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? GemmKernelKind.Vector512
        : Vector256.IsHardwareAccelerated ? GemmKernelKind.Vector256
        : Vector128.IsHardwareAccelerated ? GemmKernelKind.Vector128
        : GemmKernelKind.Scalar;

    /// <summary>Tile height for a kernel family.</summary>
    public static int Mr(GemmKernelKind kind) => kind == GemmKernelKind.Vector512 ? GemmMicroKernel.Mr512 : GemmMicroKernel.Mr256;

    /// <summary>Tile width for a kernel family.</summary>
    public static int Nr(GemmKernelKind kind) => kind == GemmKernelKind.Vector512 ? GemmMicroKernel.Nr512 : GemmMicroKernel.Nr256;

    /// <summary>Depth block size, a function of k alone (part of the determinism contract).</summary>
    public static int DepthBlock(int k)
    {
        int blocks = (k + KcMax - 1) / KcMax;
        return (k + blocks - 1) / blocks;
    }

    /// <summary>Runs the job, splitting the output across up to <paramref name="maxThreads"/> threads when it pays.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ref GemmJob job, int maxThreads)
    {
        job.Dot = job.Kind == GemmKernelKind.Vector512 && job.TransposeB && !job.TransposeA && job.M <= DotMaxRows;

        // A row-major B can feed the 512-bit kernel in place: its NR-wide row slices stream from L2 at a small
        // fraction of L2 bandwidth. Strides that are multiples of 4 KB would alias onto a few cache sets,
        // so those are packed unless B is used only once or twice anyway. The narrower kernels load half as
        // much per FMA and stall on those strided lines, so for them B is packed unless it is used only once or twice.
        job.DirectB = !job.TransposeB && (job.M <= DirectBMaxRows || (job.Kind == GemmKernelKind.Vector512 && (job.N & 1023) != 0));
        long macs = (long)job.M * job.N * job.K;
        int threads = Math.Min(maxThreads, Environment.ProcessorCount);
        if (threads > 1 && macs >= ParallelMinMacs)
        {
            // Split the larger output dimension so the duplicated packing is of the smaller operand;
            // with B read in place, splitting rows duplicates nothing, provided there are enough rows to balance.
            bool splitN = job.DirectB ? job.M < 8 * Mr(job.Kind) * threads : job.N >= job.M;
            int unit = splitN ? Nr(job.Kind) : Mr(job.Kind);
            int units = ((splitN ? job.N : job.M) + unit - 1) / unit;
            threads = Math.Min(threads, units);
            if (threads > 1)
            {
                RunParallel(in job, threads, splitN, unit, units);
                return;
            }
        }

        RunPart(in job, new GemmPart(0, job.M, 0, job.N));
    }

    private static long s_nextJobId;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunParallel(in GemmJob job, int threads, bool splitN, int unit, int units)
    {
        // More chunks than threads lets the caller absorb a helper that starts late on a busy host;
        // chunks are cheap because each thread packs the shared operand only once per job (see RunPart).
        // Row chunks that read B in place each stream all of B from L3, so those stay one per thread.
        long macs = (long)job.M * job.N * job.K;
        int perThread = !splitN && job.DirectB ? 1 : macs >= (1L << 24) ? 4 : macs >= (1L << 22) ? 2 : 1;
        int chunks = Math.Min(units, threads * perThread);
        GemmJob shared = job;
        shared.Id = Interlocked.Increment(ref s_nextJobId);
        shared.SplitN = splitN;
        // The caller may end up computing every chunk (a helper that wakes late finds none left, or one that
        // wakes early takes them all): size its whole-operand buffer now, so which way it goes never decides
        // whether a later call allocates.
        WholeOperandFloats(in shared, out long wholeAFloats, out long wholeBFloats);
        if (wholeAFloats > 0) GemmBuffers.Current.GetWholeA((int)wholeAFloats);
        if (wholeBFloats > 0) GemmBuffers.Current.GetWholeB((int)wholeBFloats);
        ParallelChunks.Run(GemmChunks.ForCurrentThread(in shared, splitN, unit, units), chunks, threads);
    }

    /// <summary>Computes one output block on the calling thread.</summary>
    /// <remarks>Compiled optimized on first use, like every method of a training step: see docs/jit-tiering.md.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunPart(in GemmJob job, GemmPart part)
    {
        int rows = part.M1 - part.M0;
        int cols = part.N1 - part.N0;
        if (rows <= 0 || cols <= 0)
        {
            return;
        }

        if (job.Dot)
        {
            nint n0 = part.N0;
            GemmDotKernel.Run(job.A + (nint)part.M0 * job.K, job.B + n0 * job.K, job.K, job.C + (nint)part.M0 * job.N + n0, job.N,
                rows, cols, job.Bias == null ? null : job.Bias + n0, job.Accumulate);
            return;
        }

        GemmKernelKind kind = job.Kind;
        int mr = Mr(kind);
        int nr = Nr(kind);
        int k = job.K;
        int n = job.N;
        int kcBlock = DepthBlock(k);
        // Sized from the whole job, not from this part: chunks differ in size, and a thread that first computes a
        // larger chunk in the middle of training would otherwise grow (allocate) its buffers then.
        int mcMax = Math.Min(McMax, (job.M + mr - 1) / mr * mr);
        int ncMax = Math.Min(NcMax, (n + nr - 1) / nr * nr);
        GemmBuffers buffers = GemmBuffers.Current;
        float* packA = buffers.GetA(mcMax * kcBlock);
        // Reading B in place needs room for just the ragged last panel.
        float* packB = buffers.GetB((job.DirectB ? nr : ncMax) * kcBlock);
        float* tile = buffers.Tile;

        // In a chunked job every chunk spans the whole shared operand, so each thread packs it once
        // (all blocks, laid out block after block) and reuses it for the further chunks it claims.
        int mPad = (job.M + mr - 1) / mr * mr;
        int nPad = (n + nr - 1) / nr * nr;
        WholeOperandFloats(in job, out long wholeAFloats, out long wholeBFloats);
        bool wholeA = wholeAFloats > 0;
        bool wholeB = wholeBFloats > 0;
        float* wholeABase = null, wholeBBase = null;
        bool aReady = false, bReady = false;
        if (wholeA)
        {
            wholeABase = buffers.GetWholeA((int)wholeAFloats);
            aReady = buffers.WholeAJob == job.Id;
        }

        if (wholeB)
        {
            wholeBBase = buffers.GetWholeB((int)wholeBFloats);
            bReady = buffers.WholeBJob == job.Id;
        }

        bool directB = job.DirectB;

        for (int jc = part.N0; jc < part.N1; jc += NcMax)
        {
            int nc = Math.Min(NcMax, part.N1 - jc);
            int fullCols = nc / nr * nr;
            for (int pc = 0; pc < k; pc += kcBlock)
            {
                int kc = Math.Min(kcBlock, k - pc);
                bool first = pc == 0;
                if (directB)
                {
                    // Only the ragged last panel needs a zero-padded copy; full panels are read in place.
                    if (fullCols < nc)
                    {
                        GemmPacking.PackBPanel(job.B, false, n, k, pc, kc, jc + fullCols, nc - fullCols, nr, packB);
                    }
                }
                else if (wholeB)
                {
                    packB = wholeBBase + (nint)pc * nPad + (nint)jc * kc;
                    if (!bReady)
                    {
                        GemmPacking.PackB(job.B, job.TransposeB, n, k, pc, kc, jc, nc, nr, packB);
                    }
                }
                else
                {
                    GemmPacking.PackB(job.B, job.TransposeB, n, k, pc, kc, jc, nc, nr, packB);
                }

                for (int ic = part.M0; ic < part.M1; ic += McMax)
                {
                    int mc = Math.Min(McMax, part.M1 - ic);
                    if (wholeA)
                    {
                        packA = wholeABase + (nint)pc * mPad + (nint)ic * kc;
                        if (!aReady)
                        {
                            GemmPacking.PackA(job.A, job.TransposeA, job.M, k, ic, mc, pc, kc, mr, packA);
                        }
                    }
                    else
                    {
                        GemmPacking.PackA(job.A, job.TransposeA, job.M, k, ic, mc, pc, kc, mr, packA);
                    }

                    int jr = 0;
                    if (directB && mc == 1 && kind == GemmKernelKind.Vector512)
                    {
                        float* cRow = job.C + (nint)ic * n + jc;
                        bool loadC1 = !first || job.Accumulate;
                        for (; jr + 128 <= fullCols; jr += 128)
                        {
                            GemmMicroKernel.Run512Row128(kc, packA, job.B + (nint)pc * n + jc + jr, n, cRow + jr,
                                first && job.Bias != null ? job.Bias + jc + jr : null, loadC1);
                        }
                    }

                    for (; jr < nc; jr += nr)
                    {
                        int w = Math.Min(nr, nc - jr);
                        float* bp;
                        nint ldb;
                        if (directB && w == nr)
                        {
                            bp = job.B + (nint)pc * n + jc + jr;
                            ldb = n;
                        }
                        else
                        {
                            bp = directB ? packB : packB + (nint)jr * kc;
                            ldb = nr;
                        }

                        float* bias = first && job.Bias != null ? job.Bias + jc + jr : null;
                        bool loadC = !first || job.Accumulate;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int h = Math.Min(mr, mc - ir);
                            float* ap = packA + (nint)ir * kc;
                            float* cp = job.C + (nint)(ic + ir) * n + jc + jr;
                            if (w == nr)
                            {
                                Kernel(kind, h, kc, ap, bp, ldb, cp, n, bias, loadC);
                            }
                            else
                            {
                                Kernel(kind, h, kc, ap, bp, ldb, tile, nr, null, false);
                                MergeEdge(tile, nr, h, w, cp, n, bias, loadC);
                            }
                        }
                    }
                }
            }
        }

        if (wholeA)
        {
            buffers.WholeAJob = job.Id;
        }

        if (wholeB)
        {
            buffers.WholeBJob = job.Id;
        }
    }

    /// <summary>
    /// The floats of the packed whole shared operand a thread keeps across the chunks of a chunked job (0 when the job
    /// is not chunked, the operand is read in place, or it is larger than <see cref="WholeOperandMaxFloats"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WholeOperandFloats(in GemmJob job, out long aFloats, out long bFloats)
    {
        int mr = Mr(job.Kind), nr = Nr(job.Kind);
        long a = (long)((job.M + mr - 1) / mr * mr) * job.K;
        long b = (long)((job.N + nr - 1) / nr * nr) * job.K;
        aFloats = job.Id != 0 && job.SplitN && a <= WholeOperandMaxFloats ? a : 0;
        bFloats = job.Id != 0 && !job.SplitN && !job.DirectB && b <= WholeOperandMaxFloats ? b : 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel(GemmKernelKind kind, int rows, int kc, float* a, float* b, nint ldb, float* c, nint ldc, float* bias, bool loadC)
    {
        switch (kind)
        {
            case GemmKernelKind.Vector512:
                GemmMicroKernel.Run512(rows, kc, a, b, ldb, c, ldc, bias, loadC);
                break;
            case GemmKernelKind.Vector256:
                GemmMicroKernel.Run256(rows, kc, a, b, ldb, c, ldc, bias, loadC);
                break;
            case GemmKernelKind.Vector128:
                GemmMicroKernel128.Run(rows, kc, a, b, ldb, c, ldc, bias, loadC);
                break;
            default:
                GemmMicroKernel.RunScalar(rows, kc, a, b, ldb, c, ldc, bias, loadC);
                break;
        }
    }

    // Same operation order as the kernels' epilogue, so edge tiles round exactly like full tiles.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MergeEdge(float* tile, int ldt, int rows, int cols, float* c, nint ldc, float* bias, bool loadC)
    {
        for (int i = 0; i < rows; i++)
        {
            float* t = tile + (nint)i * ldt;
            float* d = c + i * ldc;
            for (int j = 0; j < cols; j++)
            {
                float v = t[j];
                if (bias != null)
                {
                    v += bias[j];
                }

                if (loadC)
                {
                    v += d[j];
                }

                d[j] = v;
            }
        }
    }
}
