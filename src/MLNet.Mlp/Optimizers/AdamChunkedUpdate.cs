using System.Runtime.CompilerServices;
using MLNet.Mlp.Numerics;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// The plain (non-AMSGrad) Adam update split into contiguous chunks that the GEMM helper threads share
/// (<see cref="ParallelChunks"/>). Each element goes through <see cref="AdamKernel.Plain"/> exactly as on one
/// thread, so the results are bit-identical for any thread count.
/// </summary>
internal sealed unsafe class AdamChunkedUpdate : IChunkedWork
{
    /// <summary>Below this many parameters handing half to a helper costs more than it saves.</summary>
    internal const int MinParallelLength = 1 << 15;

    // One instance per calling thread, reused: the update must not allocate per step.
    [ThreadStatic] private static AdamChunkedUpdate? t_instance;

    private AdamKernel.Kernel _kernel;
    private float* _p, _g, _m, _v;
    private int _length, _decayed;

    /// <summary>Updates every element; <paramref name="decayed"/> is the weight-decay prefix, as in <see cref="AdamKernel"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(in AdamKernel.Kernel kernel, Span<float> parameters, ReadOnlySpan<float> gradients,
        Span<float> m, Span<float> v, int decayed, int maxThreads)
    {
        int n = parameters.Length;
        if (gradients.Length != n || m.Length != n || v.Length != n) throw new ArgumentException("Buffer lengths differ.");
        var work = t_instance ??= new AdamChunkedUpdate();
        // Pinned for the whole run: ParallelChunks returns only after every claimed chunk is done, and a helper
        // that wakes later finds no chunk left and never reads these pointers.
        fixed (float* p = parameters, g = gradients, pm = m, pv = v)
        {
            work._kernel = kernel;
            work._p = p;
            work._g = g;
            work._m = pm;
            work._v = pv;
            work._length = n;
            work._decayed = decayed;
            try
            {
                ParallelChunks.Run(work, maxThreads, maxThreads);
            }
            finally
            {
                work._p = work._g = work._m = work._v = null;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RunChunk(int index, int chunks)
    {
        var (lo, hi) = ParallelChunks.ElementRange(_length, index, chunks);
        int split = Math.Clamp(_decayed, lo, hi);
        if (split > lo) Segment(_kernel, lo, split);
        if (hi > split) Segment(_kernel with { CoupledDecay = 0f, DecoupledScale = 1f }, split, hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Segment(in AdamKernel.Kernel kernel, int from, int to) =>
        AdamKernel.Plain(kernel, new Span<float>(_p + from, to - from), new ReadOnlySpan<float>(_g + from, to - from),
            new Span<float>(_m + from, to - from), new Span<float>(_v + from, to - from));
}
