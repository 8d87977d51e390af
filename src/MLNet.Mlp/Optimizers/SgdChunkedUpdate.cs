using System.Runtime.CompilerServices;
using MLNet.Mlp.Numerics;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// Plain SGD (no momentum) split into contiguous chunks that the GEMM helper threads share
/// (<see cref="ParallelChunks"/>). Each element goes through <see cref="SgdOptimizer.Plain"/> exactly as on one
/// thread, so the results are bit-identical for any thread count.
/// </summary>
internal sealed unsafe class SgdChunkedUpdate : IChunkedWork
{
    /// <summary>Below this many parameters handing half to a helper costs more than it saves.</summary>
    internal const int MinParallelLength = 1 << 15;

    // One instance per calling thread, reused: the update must not allocate per step.
    [ThreadStatic] private static SgdChunkedUpdate? t_instance;

    private float* _p, _g;
    private int _length, _decayed;
    private float _learningRate, _decay;

    /// <summary>Updates every element; <paramref name="decayed"/> is the weight-decay prefix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(Span<float> parameters, ReadOnlySpan<float> gradients, int decayed, float learningRate, float decay, int maxThreads)
    {
        int n = parameters.Length;
        if (gradients.Length != n) throw new ArgumentException("Buffer lengths differ.");
        var work = t_instance ??= new SgdChunkedUpdate();
        // Pinned for the whole run: ParallelChunks returns only after every claimed chunk is done, and a helper
        // that wakes later finds no chunk left and never reads these pointers.
        fixed (float* p = parameters, g = gradients)
        {
            work._p = p;
            work._g = g;
            work._length = n;
            work._decayed = decayed;
            work._learningRate = learningRate;
            work._decay = decay;
            try
            {
                ParallelChunks.Run(work, maxThreads, maxThreads);
            }
            finally
            {
                work._p = work._g = null;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RunChunk(int index, int chunks)
    {
        var (lo, hi) = ParallelChunks.ElementRange(_length, index, chunks);
        int split = Math.Clamp(_decayed, lo, hi);
        if (split > lo) SgdOptimizer.Plain(new Span<float>(_p + lo, split - lo), new ReadOnlySpan<float>(_g + lo, split - lo), _learningRate, _decay);
        if (hi > split) SgdOptimizer.Plain(new Span<float>(_p + split, hi - split), new ReadOnlySpan<float>(_g + split, hi - split), _learningRate, 0f);
    }
}
