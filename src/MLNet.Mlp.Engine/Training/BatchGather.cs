using System.Runtime.CompilerServices;
using MLNet.Mlp.Numerics.Parallel;

namespace MLNet.Mlp.Training;

/// <summary>
/// Copies a minibatch's rows, in shuffled order, out of the training set. The rows lie scattered over an array far
/// larger than the caches, so the copy waits on memory rather than computes; split over the cores it keeps twice
/// as many cache misses in flight, a noticeable share of a small network's step.
/// </summary>
internal sealed class BatchGather : IChunkedWork
{
    // Below this many floats per batch a hand-over to the helper costs more than the copy.
    private const int ParallelMinFloats = 8192;

    private float[] _source = [], _destination = [];
    private int[] _order = [];
    private int _width, _start, _rows;

    /// <summary>Copies rows <c>order[start .. start + rows)</c> of <paramref name="source"/> (each <paramref name="width"/> wide) into <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(float[] source, int width, int[] order, int start, int rows, float[] destination, int maxThreads)
    {
        if (maxThreads <= 1 || rows < 2 || (long)rows * width < ParallelMinFloats)
        {
            Copy(source, width, order.AsSpan(start, rows), destination, 0);
            return;
        }

        (_source, _width, _order, _start, _rows, _destination) = (source, width, order, start, rows, destination);
        try
        {
            ParallelChunks.Run(this, Math.Min(maxThreads, rows), maxThreads);
        }
        finally
        {
            (_source, _order, _destination) = ([], [], []);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RunChunk(int index, int chunks)
    {
        int lo = (int)((long)_rows * index / chunks), hi = (int)((long)_rows * (index + 1) / chunks);
        Copy(_source, _width, _order.AsSpan(_start + lo, hi - lo), _destination, lo);
    }

    // Called every step: compiled optimized from the first call (see docs/jit-tiering.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Copy(float[] source, int width, ReadOnlySpan<int> rows, float[] destination, int firstRow)
    {
        for (int i = 0; i < rows.Length; i++)
            source.AsSpan(rows[i] * width, width).CopyTo(destination.AsSpan((firstRow + i) * width, width));
    }
}
