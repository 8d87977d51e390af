using MLNet.Mlp.Layers;
using MLNet.Mlp.Numerics.Parallel;

namespace MLNet.Mlp.Training;

/// <summary>
/// The input-major sparse first layer's forward and weight-gradient passes shared between the cores: the forward pass
/// in chunks of rows, the weight gradient in chunks of the batch's columns with about equal non-zeros (each gradient
/// row written whole by one chunk), so every element is summed in the same order and the bits do not depend on the
/// thread count. One per <see cref="SparseBatch"/>, whose caller owns it: a step allocates nothing.
/// </summary>
internal sealed class SparseFirstLayerPass : IChunkedWork
{
    private DenseLayer? _layer;
    private SparseBatch? _batch;
    private float[] _values = [];
    private int _rows;
    private bool _backward;

    /// <summary>Z[r, ·] = b + Σ x[r, j]·W[j, ·] for every row of <paramref name="batch"/>, into <paramref name="z"/>.</summary>
    public void Forward(DenseLayer layer, SparseBatch batch, float[] z, int rows, int maxThreads)
        => Run(layer, batch, z, rows, backward: false, maxThreads);

    /// <summary>Writes gradient row j = Σ_r x[r, j]·δ[r, ·] for every column j of the batch, and clears the rows the
    /// previous pass wrote that this batch does not touch.</summary>
    public void Backward(DenseLayer layer, SparseBatch batch, float[] delta, int rows, int maxThreads)
        => Run(layer, batch, delta, rows, backward: true, maxThreads);

    private void Run(DenseLayer layer, SparseBatch batch, float[] values, int rows, bool backward, int maxThreads)
    {
        (_layer, _batch, _values, _rows, _backward) = (layer, batch, values, rows, backward);
        long macs = (long)batch.RowStarts[rows] * layer.Units;
        // Small passes stay on the calling thread, as small products do.
        int chunks = maxThreads > 1 && macs >= DenseLayer.SharedMinMacs ? Math.Min(backward ? batch.TouchedCount : rows, maxThreads) : 1;
        try
        {
            ParallelChunks.Run(this, Math.Max(1, chunks), maxThreads);
        }
        finally
        {
            (_layer, _batch, _values) = (null, null, []);
        }
    }

    /// <inheritdoc/>
    public void RunChunk(int index, int chunks)
    {
        if (_backward)
        {
            var batch = _batch!;
            var (lo, hi) = ParallelChunks.ElementRange(batch.GradientColumnCount, index, chunks);
            _layer!.ClearUntouchedGradientRows(batch, lo, hi);
            _layer.WeightGradientSparseColumns(batch, _values, ColumnSlot(batch, index, chunks), ColumnSlot(batch, index + 1, chunks));
        }
        else
        {
            int lo = (int)((long)_rows * index / chunks), hi = (int)((long)_rows * (index + 1) / chunks);
            _layer!.ForwardSparseRows(_batch!, _values, lo, hi);
        }
    }

    // The first column slot of chunk `index`: chunks split the batch's non-zeros about evenly, at column boundaries.
    // The lower bound of the target among the starts, so that chunk 0 starts at slot 0 even when leading columns are empty.
    private static int ColumnSlot(SparseBatch batch, int index, int chunks)
    {
        if (index <= 0) return 0;
        if (index >= chunks) return batch.TouchedCount;
        long target = (long)batch.NonZeroCount * index / chunks;
        var starts = batch.ColumnStarts;
        int lo = 0, hi = batch.TouchedCount;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] < target) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
