namespace MLNet.Mlp.Layers;

/// <summary>
/// One stage of a <c>Network</c>. A layer is described by its settings when created and gets
/// its input size, its parameters (slices of the network's flat buffers) and its non-trainable state when the
/// network is built; a layer instance belongs to one network.
/// </summary>
public abstract class Layer
{
    private protected float[] ParameterBuffer = [];
    private protected float[] GradientBuffer = [];
    private protected float[] StateBuffer = [];
    private protected int WeightOffset, OtherOffset, StateOffset;

    private protected Layer() { }

    /// <summary>Width of the layer's input (known once the network is built).</summary>
    public int InputSize { get; private set; }

    /// <summary>Width of the layer's output (known once the network is built).</summary>
    public int OutputSize { get; private set; }

    /// <summary>A short description, e.g. "Dense(128, Relu)".</summary>
    public abstract override string ToString();

    internal bool IsBuilt { get; private set; }

    /// <summary>Trainable values subject to weight decay (weight matrices).</summary>
    internal abstract int WeightCount { get; }

    /// <summary>Trainable values exempt from weight decay (biases, batch-norm scale and shift).</summary>
    internal abstract int OtherParameterCount { get; }

    /// <summary>Non-trainable values saved with the model (batch-norm running statistics).</summary>
    internal virtual int StateCount => 0;

    /// <summary>Floats of per-batch scratch the backward pass needs, for a batch of <paramref name="rows"/>.</summary>
    internal abstract int CacheSize(int rows);

    /// <summary>The output width for a given input width.</summary>
    private protected abstract int ComputeOutputSize(int inputSize);

    /// <summary>
    /// What the layer would hold for an input of <paramref name="inputSize"/> values, counted in <see langword="long"/>
    /// and without building it: the network checks these against the array limit before it allocates anything, and
    /// the trainers' memory estimate adds them up.
    /// </summary>
    internal abstract LayerShape ShapeFor(int inputSize);

    internal void Build(int inputSize)
    {
        if (IsBuilt) throw new InvalidOperationException($"Layer {this} already belongs to a network; create a new layer instance for each network.");
        if (inputSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, $"Layer {this} needs a positive input width.");
        InputSize = inputSize;
        OutputSize = ComputeOutputSize(inputSize);
        IsBuilt = true;
    }

    internal void Bind(float[] parameters, float[] gradients, int weightOffset, int otherOffset, float[] state, int stateOffset)
    {
        ParameterBuffer = parameters;
        GradientBuffer = gradients;
        WeightOffset = weightOffset;
        OtherOffset = otherOffset;
        StateBuffer = state;
        StateOffset = stateOffset;
    }

    /// <summary>A fresh, unbuilt layer with the same settings (for copying networks).</summary>
    internal abstract Layer CreateUnbuiltCopy();

    /// <summary>Sets initial parameters and state (weights from the initializer, biases 0, scales 1).</summary>
    internal abstract void Initialize(Random random);

    /// <summary>y = f(x) for a batch; <paramref name="cache"/> receives what <see cref="Backward"/> needs.</summary>
    internal abstract void Forward(ReadOnlySpan<float> input, Span<float> output, Span<float> cache, int rows, in ForwardContext context);

    /// <summary>
    /// Writes this layer's parameter gradients and, unless <paramref name="inputGradient"/> is empty, ∂L/∂x.
    /// <paramref name="outputGradient"/> may be overwritten.
    /// </summary>
    internal abstract void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> cache,
        Span<float> outputGradient, Span<float> inputGradient, int rows, in ForwardContext context);

    internal Span<float> WeightSpan => ParameterBuffer.AsSpan(WeightOffset, WeightCount);
    private protected Span<float> WeightGradientSpan => GradientBuffer.AsSpan(WeightOffset, WeightCount);
    internal Span<float> OtherSpan => ParameterBuffer.AsSpan(OtherOffset, OtherParameterCount);
    private protected Span<float> OtherGradientSpan => GradientBuffer.AsSpan(OtherOffset, OtherParameterCount);
    private protected Span<float> StateSpan => StateBuffer.AsSpan(StateOffset, StateCount);
}
