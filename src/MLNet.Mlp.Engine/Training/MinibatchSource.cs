using System.Runtime.CompilerServices;
using MLNet.Mlp.Numerics;

namespace MLNet.Mlp.Training;

/// <summary>
/// Cuts the training data into an epoch's minibatches: the epoch's row order (shuffled from the seed and the epoch
/// number, so a resumed run draws the same order), and each batch's features, targets and weights gathered in that
/// order into buffers allocated once.
/// </summary>
internal sealed class MinibatchSource
{
    // The shuffle's random stream; dropout masks use another, so adding dropout does not change the shuffle.
    private const ulong ShuffleStream = 2;

    private readonly TrainingData _data;
    private readonly bool _shuffle;
    private readonly int _seed;
    private readonly int[] _order;
    private readonly float[] _targets;
    private readonly float[]? _weights;
    private readonly BatchGather _gather = new();

    public MinibatchSource(TrainingData data, int batchSize, bool shuffle, int seed)
    {
        _data = data;
        _shuffle = shuffle;
        _seed = seed;
        BatchSize = batchSize;
        _order = new int[data.Rows];
        _targets = new float[batchSize * data.TargetWidth];
        _weights = data.Weights != null ? new float[batchSize] : null;
    }

    /// <summary>Rows per batch (the last batch of an epoch may have fewer).</summary>
    public int BatchSize { get; }

    /// <summary>Puts the rows in the order of epoch <paramref name="epochIndex"/> (0-based over all runs).</summary>
    public void StartEpoch(int epochIndex)
    {
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        if (_shuffle) new RandomSource(_seed, ShuffleStream, (ulong)epochIndex).ShuffleInPlace(_order);
    }

    /// <summary>Gathers the batch of <paramref name="rows"/> rows from position <paramref name="start"/> of the epoch's
    /// order: features into <paramref name="features"/> (split over <paramref name="maxThreads"/> cores), targets and
    /// weights into <see cref="Targets"/> and <see cref="Weights"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Gather(int start, int rows, float[] features, int maxThreads, SparseBatch? sparse = null)
    {
        if (_data.SparseFeatures is not { } rowsOf)
        {
            if (sparse != null) sparse.GatherNonZeros(_data.Features, _order, start, rows, maxThreads);
            else
            {
                _gather.Run(_data.Features, _data.FeatureCount, _order, start, rows, features, maxThreads);
                _data.RemoveOffset(features, rows);
            }
        }
        else if (sparse != null) sparse.Gather(rowsOf, _order.AsSpan(start, rows));
        else
        {
            // A first layer that cannot read sparse rows gets them densified, one batch at a time.
            for (int i = 0; i < rows; i++) rowsOf.CopyRowDense(_order[start + i], features.AsSpan(i * _data.FeatureCount, _data.FeatureCount));
        }
        _gather.Run(_data.Targets, _data.TargetWidth, _order, start, rows, _targets, 1);
        if (_weights != null) _gather.Run(_data.Weights!, 1, _order, start, rows, _weights, 1);
    }

    /// <summary>The targets of the last gathered batch.</summary>
    public ReadOnlySpan<float> Targets(int rows) => _targets.AsSpan(0, rows * _data.TargetWidth);

    /// <summary>The example weights of the last gathered batch; empty when the data has none (all 1).</summary>
    public ReadOnlySpan<float> Weights(int rows) => _weights != null ? _weights.AsSpan(0, rows) : default;
}
