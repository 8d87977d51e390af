using System.Runtime.CompilerServices;
using MLNet.Mlp.Numerics.Parallel;

namespace MLNet.Mlp.Numerics.MatrixMultiplication;

/// <summary>
/// One multiply cut into fixed output chunks (tile-aligned, chosen from the shape alone) for the threads of
/// <see cref="ParallelChunks"/>. The boundaries only decide who computes an element, never how.
/// </summary>
internal sealed class GemmChunks : IChunkedWork
{
    // One per calling thread, reused by its every parallel multiply: helpers touch it only while computing a chunk,
    // and every chunk is done before the multiply returns.
    [ThreadStatic]
    private static GemmChunks? t_current;

    private GemmJob _job;
    private bool _splitN;
    private int _unit;
    private int _units;

    /// <summary>
    /// The calling thread's instance, set to cut <paramref name="job"/> along its columns (<paramref name="splitN"/>)
    /// or rows into chunks of whole <paramref name="unit"/>s (<paramref name="units"/> of them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static GemmChunks ForCurrentThread(in GemmJob job, bool splitN, int unit, int units)
    {
        GemmChunks chunks = t_current ??= new GemmChunks();
        chunks._job = job;
        chunks._splitN = splitN;
        chunks._unit = unit;
        chunks._units = units;
        return chunks;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RunChunk(int index, int chunks) => GemmDriver.RunPart(in _job, PartOf(index, chunks));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private GemmPart PartOf(int index, int chunks)
    {
        int extent = _splitN ? _job.N : _job.M;
        int lo = Math.Min(extent, (int)((long)_units * index / chunks) * _unit);
        int hi = Math.Min(extent, (int)((long)_units * (index + 1) / chunks) * _unit);
        return _splitN ? new GemmPart(0, _job.M, lo, hi) : new GemmPart(lo, hi, 0, _job.N);
    }
}
