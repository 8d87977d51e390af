namespace MLNet.Mlp.Optimizers;

/// <summary>
/// The mutable state of an optimizer: a fixed number of per-parameter buffers (moments, velocities,
/// accumulators), all zero at the start. Checkpoints save and restore it as it is.
/// </summary>
public sealed class OptimizerState
{
    private readonly float[][] _buffers;

    /// <summary>Creates <paramref name="bufferCount"/> zero buffers of <paramref name="parameterCount"/> values.</summary>
    /// <param name="bufferCount">How many per-parameter buffers the optimizer needs (0 for plain SGD).</param>
    /// <param name="parameterCount">Length of the flat parameter buffer.</param>
    public OptimizerState(int bufferCount, int parameterCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bufferCount);
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        ParameterCount = parameterCount;
        _buffers = new float[bufferCount][];
        for (int i = 0; i < bufferCount; i++) _buffers[i] = new float[parameterCount];
    }

    /// <summary>How many buffers the state holds.</summary>
    public int BufferCount => _buffers.Length;

    /// <summary>The length of every buffer.</summary>
    public int ParameterCount { get; }

    /// <summary>Buffer <paramref name="index"/>, to read or update in place.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="BufferCount"/>.</param>
    public Span<float> Buffer(int index) => _buffers[index];

    /// <summary>A deep copy (used to keep the state of the best epoch).</summary>
    public OptimizerState Clone()
    {
        var copy = new OptimizerState(BufferCount, ParameterCount);
        for (int i = 0; i < _buffers.Length; i++) _buffers[i].CopyTo(copy._buffers[i], 0);
        return copy;
    }

    /// <summary>Copies every buffer from <paramref name="source"/>, which must have the same shape.</summary>
    /// <param name="source">A state of the same shape.</param>
    public void CopyFrom(OptimizerState source)
    {
        if (source.BufferCount != BufferCount || source.ParameterCount != ParameterCount)
            throw new ArgumentException($"Optimizer state shape {source.BufferCount}×{source.ParameterCount} does not match {BufferCount}×{ParameterCount}.", nameof(source));
        for (int i = 0; i < _buffers.Length; i++) source._buffers[i].CopyTo(_buffers[i], 0);
    }
}
