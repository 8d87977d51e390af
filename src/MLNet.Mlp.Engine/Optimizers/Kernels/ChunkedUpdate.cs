using System.Runtime.CompilerServices;
using MLNet.Mlp.Numerics.Parallel;

namespace MLNet.Mlp.Optimizers.Kernels;

/// <summary>
/// Runs an optimizer's update over a whole parameter buffer: the weight-decay prefix with one update and the rest
/// with another, and, for large buffers, in contiguous chunks that the GEMM helper threads share
/// (<see cref="ParallelChunks"/>). The updates give each element the same bits wherever a chunk starts, so results
/// are bit-identical for any thread count. Allocates nothing after a thread's first call for a given update type.
/// </summary>
internal sealed unsafe class ChunkedUpdate<TUpdate> : IChunkedWork
    where TUpdate : struct, IRangeUpdate
{
    /// <summary>Below this many parameters handing half to a helper costs more than it saves.</summary>
    internal const int MinParallelLength = 1 << 15;

    // One instance per calling thread and update type, reused: a step must not allocate.
    [ThreadStatic] private static ChunkedUpdate<TUpdate>? t_instance;

    private TUpdate _decayed, _rest;
    private float* _p, _g, _s0, _s1, _s2;
    private int _length, _decayedCount;

    /// <summary>
    /// Updates every element: [0, <paramref name="decayedCount"/>) with <paramref name="decayed"/>, the rest with
    /// <paramref name="rest"/>. State spans are empty when unused, otherwise as long as the parameters.
    /// </summary>
    // Every step: compiled optimized from the first call (see docs/jit-tiering.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(in TUpdate decayed, in TUpdate rest, Span<float> parameters, ReadOnlySpan<float> gradients,
        Span<float> s0, Span<float> s1, Span<float> s2, int decayedCount, int maxThreads)
    {
        int n = parameters.Length;
        if (gradients.Length != n || !Fits(s0, n) || !Fits(s1, n) || !Fits(s2, n)) throw new ArgumentException("Buffer lengths differ.");
        if ((uint)decayedCount > (uint)n) throw new ArgumentOutOfRangeException(nameof(decayedCount), decayedCount, $"The decayed prefix must lie within the {n} parameters.");
        if (maxThreads <= 1 || n < MinParallelLength)
        {
            int d = decayedCount;
            decayed.Run(parameters[..d], gradients[..d], Head(s0, d), Head(s1, d), Head(s2, d));
            rest.Run(parameters[d..], gradients[d..], Tail(s0, d), Tail(s1, d), Tail(s2, d));
            return;
        }

        var work = t_instance ??= new ChunkedUpdate<TUpdate>();
        // Pinned for the whole run: ParallelChunks returns only after every claimed chunk is done, and a helper
        // that wakes later finds no chunk left and never reads these pointers.
        fixed (float* p = parameters, g = gradients, p0 = s0, p1 = s1, p2 = s2)
        {
            work._decayed = decayed;
            work._rest = rest;
            work._p = p;
            work._g = g;
            work._s0 = p0;
            work._s1 = p1;
            work._s2 = p2;
            work._length = n;
            work._decayedCount = decayedCount;
            try
            {
                ParallelChunks.Run(work, maxThreads, maxThreads);
            }
            finally
            {
                work._p = work._g = work._s0 = work._s1 = work._s2 = null;
            }
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RunChunk(int index, int chunks)
    {
        var (lo, hi) = ParallelChunks.ElementRange(_length, index, chunks);
        int split = Math.Clamp(_decayedCount, lo, hi);
        if (split > lo) Segment(_decayed, lo, split);
        if (hi > split) Segment(_rest, split, hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Segment(in TUpdate update, int from, int to) =>
        update.Run(new Span<float>(_p + from, to - from), new ReadOnlySpan<float>(_g + from, to - from),
            Slice(_s0, from, to), Slice(_s1, from, to), Slice(_s2, from, to));

    private static Span<float> Slice(float* s, int from, int to) => s == null ? default : new Span<float>(s + from, to - from);

    private static bool Fits(Span<float> state, int n) => state.IsEmpty || state.Length == n;

    private static Span<float> Head(Span<float> state, int d) => state.IsEmpty ? state : state[..d];

    private static Span<float> Tail(Span<float> state, int d) => state.IsEmpty ? state : state[d..];
}
