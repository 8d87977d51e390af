using System.Runtime.CompilerServices;
using MLNet.Mlp.Activations;

namespace MLNet.Mlp.Layers;

/// <summary>
/// A stand-alone activation A = σ(X), for placing an activation after batch normalization
/// (Dense(identity) → BatchNorm → Activation). It has no parameters.
/// </summary>
public sealed class ActivationLayer : Layer
{
    /// <summary>Creates an activation layer.</summary>
    /// <param name="activation">σ.</param>
    public ActivationLayer(IActivation activation)
    {
        Activation = activation ?? throw new ArgumentNullException(nameof(activation));
    }

    /// <summary>σ.</summary>
    public IActivation Activation { get; }

    /// <inheritdoc/>
    public override string ToString() => $"Activation({Activation.Name})";

    internal override int WeightCount => 0;
    internal override int OtherParameterCount => 0;
    internal override int CacheSize(int rows) => 0;
    private protected override int ComputeOutputSize(int inputSize) => inputSize;
    internal override LayerShape ShapeFor(int inputSize) => new(inputSize, Weights: 0, OtherParameters: 0, State: 0, CachePerRow: 0, CacheFixed: 0);
    internal override Layer CreateUnbuiltCopy() => new ActivationLayer(Activation);

    internal override void Initialize(Random random) { }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void Forward(ReadOnlySpan<float> input, Span<float> output, Span<float> cache, int rows, in ForwardContext context)
        => Activation.Forward(input.Slice(0, rows * InputSize), output.Slice(0, rows * InputSize), InputSize);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> cache,
        Span<float> outputGradient, Span<float> inputGradient, int rows, in ForwardContext context)
    {
        if (inputGradient.IsEmpty) return;
        int n = rows * InputSize;
        Activation.Backward(input.Slice(0, n), output.Slice(0, n), outputGradient.Slice(0, n), inputGradient.Slice(0, n), InputSize);
    }
}
