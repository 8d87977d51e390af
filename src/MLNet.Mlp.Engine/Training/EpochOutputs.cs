using System.Runtime.CompilerServices;
using MLNet.Mlp.Metrics;

namespace MLNet.Mlp.Training;

/// <summary>
/// The network's outputs for each batch of an epoch as they were produced in training, with the batch's targets
/// and weights, in the order trained: the training metric is computed over them at the end of the epoch.
/// </summary>
internal sealed class EpochOutputs
{
    private readonly float[] _outputs, _targets;
    private readonly float[]? _weights;
    private readonly int _outputWidth, _targetWidth;

    public EpochOutputs(TrainingData data, int outputWidth)
    {
        _outputWidth = outputWidth;
        _targetWidth = data.TargetWidth;
        _outputs = new float[data.Rows * outputWidth];
        _targets = new float[data.Rows * data.TargetWidth];
        _weights = data.Weights != null ? new float[data.Rows] : null;
    }

    /// <summary>Records the batch that starts at position <paramref name="start"/> of the epoch's order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(int start, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights)
    {
        outputs.CopyTo(_outputs.AsSpan(start * _outputWidth));
        targets.CopyTo(_targets.AsSpan(start * _targetWidth));
        if (_weights != null) weights.CopyTo(_weights.AsSpan(start));
    }

    /// <summary>The metric over the first <paramref name="rows"/> rows recorded (batch norm may leave out a trailing
    /// one-row batch, which is then not part of the epoch).</summary>
    public double Compute(IMetric metric, int rows)
        => metric.Compute(_outputs.AsSpan(0, rows * _outputWidth), _targets.AsSpan(0, rows * _targetWidth),
            _weights is null ? default : _weights.AsSpan(0, rows), _outputWidth);
}
