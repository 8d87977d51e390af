using MLNet.Mlp.Layers;
using MLNet.Mlp.Numerics.Parallel;

namespace MLNet.Mlp.Training;

/// <summary>
/// The input-major sparse first layer's forward and weight-gradient passes shared between the cores: the forward pass
/// in chunks of rows, the gradient scatter in chunks of units (each chunk adds to its own slice of every touched
/// gradient row, rows in order), so every element is summed in the serial order and the bits do not depend on the
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

    /// <summary>Adds δ[r, ·]·x[r, j] to gradient row j for every non-zero (the rows the previous pass wrote are cleared first).</summary>
    public void Backward(DenseLayer layer, SparseBatch batch, float[] delta, int rows, int maxThreads)
        => Run(layer, batch, delta, rows, backward: true, maxThreads);

    private void Run(DenseLayer layer, SparseBatch batch, float[] values, int rows, bool backward, int maxThreads)
    {
        (_layer, _batch, _values, _rows, _backward) = (layer, batch, values, rows, backward);
        long macs = (long)batch.RowStarts[rows] * layer.Units;
        // Small passes stay on the calling thread, as small products do.
        int chunks = maxThreads > 1 && macs >= DenseLayer.SharedMinMacs ? (backward ? Math.Max(1, layer.Units / 64) : Math.Min(rows, maxThreads)) : 1;
        try
        {
            ParallelChunks.Run(this, Math.Min(chunks, maxThreads), maxThreads);
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
            var (lo, hi) = ParallelChunks.ElementRange(_layer!.Units, index, chunks);
            _layer.BackwardSparseUnits(_batch!, _values, _rows, lo, hi);
        }
        else
        {
            int lo = (int)((long)_rows * index / chunks), hi = (int)((long)_rows * (index + 1) / chunks);
            _layer!.ForwardSparseRows(_batch!, _values, lo, hi);
        }
    }
}
