using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Activations;

/// <summary>The logistic sigmoid σ(z) = 1/(1+e^−z), range (0, 1); σ'(z) = σ(z)(1−σ(z)).</summary>
public sealed class SigmoidActivation : IActivation
{
    /// <inheritdoc/>
    public string Name => "Sigmoid";

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> z, Span<float> a, int columns) => RowwiseMap.Apply(z, a, columns, static (x, y) => TensorPrimitives.Sigmoid(x, y));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int columns)
    {
        for (int i = 0; i < a.Length; i++)
            inputGradient[i] = outputGradient[i] * a[i] * (1f - a[i]);
    }
}
