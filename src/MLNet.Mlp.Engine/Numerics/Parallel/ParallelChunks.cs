using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Numerics.Parallel;

/// <summary>
/// Runs an <see cref="IChunkedWork"/> on the caller and the idle <see cref="WorkerPool"/> helpers: chunks are claimed
/// from a counter (<see cref="ParallelTask"/>), so a helper that wakes late finds nothing left and the caller never
/// waits for a thread that is not running. Allocates nothing.
/// </summary>
internal static class ParallelChunks
{
    // Chunk boundaries of element-wise work fall on whole cache lines (64 floats), so two threads never write the same line.
    private const int Granule = 64;

    /// <summary>Chunk <paramref name="index"/> of <paramref name="chunks"/> over <paramref name="length"/> elements: [lo, hi).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (int Lo, int Hi) ElementRange(int length, int index, int chunks)
    {
        int units = (length + Granule - 1) / Granule;
        int lo = Math.Min(length, (int)((long)units * index / chunks) * Granule);
        int hi = Math.Min(length, (int)((long)units * (index + 1) / chunks) * Granule);
        return (lo, hi);
    }

    /// <summary>Runs every chunk; on one thread when <paramref name="maxThreads"/> is 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(IChunkedWork work, int chunks, int maxThreads) => Begin(work, chunks, maxThreads).Complete();

    /// <summary>
    /// Hands the chunks to the idle helpers and returns at once, so the caller can do other work (read the next rows)
    /// while they compute; <see cref="PendingChunks.Complete"/> then computes whatever is left and waits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static PendingChunks Begin(IChunkedWork work, int chunks, int maxThreads)
    {
        int threads = Math.Min(Math.Min(maxThreads, Environment.ProcessorCount), chunks);
        if (threads <= 1)
        {
            return new PendingChunks(null, work, chunks);
        }

        ParallelTask task = ParallelTask.Rent(work, chunks);
        WorkerPool.Offer(task, threads - 1);
        return new PendingChunks(task, work, chunks);
    }
}
