using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Activations;

/// <summary>The identity σ(z) = z: the output layer of regression.</summary>
public sealed class IdentityActivation : IActivation
{
    /// <inheritdoc/>
    public string Name => "Identity";

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> z, Span<float> a, int columns) => z.CopyTo(a);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int columns)
    {
        if (!outputGradient.Overlaps(inputGradient)) outputGradient.CopyTo(inputGradient);
    }
}
