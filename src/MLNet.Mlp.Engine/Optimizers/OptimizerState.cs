namespace MLNet.Mlp.Optimizers;

/// <summary>
/// The mutable state of an optimizer: a fixed number of per-parameter buffers (moments, velocities,
/// accumulators), all zero at the start. Checkpoints save and restore it as it is.
/// </summary>
public sealed class OptimizerState
{
    private readonly float[][] _buffers;

    // The per-link views a chain hands its links (see ViewsFor), kept with the state they view.
    private int[][]? _viewLayout;
    private OptimizerState[]? _views;

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

    // A view: shares the given arrays.
    private OptimizerState(float[][] buffers, int parameterCount)
    {
        ParameterCount = parameterCount;
        _buffers = buffers;
    }

    /// <summary>How many buffers the state holds.</summary>
    public int BufferCount => _buffers.Length;

    /// <summary>The length of every buffer.</summary>
    public int ParameterCount { get; }

    /// <summary>Buffer <paramref name="index"/>, to read or update in place.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="BufferCount"/>.</param>
    public Span<float> Buffer(int index) => _buffers[index].AsSpan(0, ParameterCount);

    /// <summary>
    /// A state over the first <paramref name="parameterCount"/> values of this state's buffers (shared, not copied):
    /// the lazy sparse update runs the optimizer on as many compact values as a step touches, in buffers sized once
    /// for the most.
    /// </summary>
    internal OptimizerState Prefix(int parameterCount) => new(_buffers, parameterCount);

    /// <summary>A deep copy (training state clones, the divergence guard's last good epoch).</summary>
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

    /// <summary>
    /// One view per link of a chain whose link <c>k</c> owns the buffers <paramref name="layout"/>[k] of this state:
    /// each view shares this state's arrays. A chain passes the same layout every step, so the views are made on the
    /// first call and then reused: a step allocates nothing.
    /// </summary>
    internal OptimizerState[] ViewsFor(int[][] layout)
    {
        if (ReferenceEquals(_viewLayout, layout)) return _views!;
        var views = new OptimizerState[layout.Length];
        for (int k = 0; k < layout.Length; k++)
        {
            int[] owned = layout[k];
            bool whole = owned.Length == _buffers.Length;
            for (int i = 0; whole && i < owned.Length; i++) whole = owned[i] == i;
            views[k] = whole ? this : new OptimizerState(owned.Select(i => _buffers[i]).ToArray(), ParameterCount);
        }

        _views = views;
        _viewLayout = layout;
        return views;
    }
}
