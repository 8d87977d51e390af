using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Activations;

/// <summary>The hyperbolic tangent, range (−1, 1); tanh'(z) = 1 − tanh²(z).</summary>
public sealed class TanhActivation : IActivation
{
    /// <inheritdoc/>
    public string Name => "Tanh";

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> z, Span<float> a, int columns) => RowwiseMap.Apply(z, a, columns, static (x, y) => TensorPrimitives.Tanh(x, y));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int columns)
    {
        for (int i = 0; i < a.Length; i++)
            inputGradient[i] = outputGradient[i] * (1f - a[i] * a[i]);
    }
}
