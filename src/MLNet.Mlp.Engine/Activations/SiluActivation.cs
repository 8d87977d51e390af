using System.Runtime.CompilerServices;
using MLNet.Mlp.Initializers;

namespace MLNet.Mlp.Activations;

/// <summary>SiLU (Swish): z·σ(z); derivative σ(z)(1 + z(1 − σ(z))).</summary>
public sealed class SiluActivation : IActivation
{
    /// <inheritdoc/>
    public string Name => "Silu";

    /// <inheritdoc/>
    public IWeightInitializer DefaultInitializer => WeightInitializers.HeUniform;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> z, Span<float> a, int columns)
    {
        for (int i = 0; i < z.Length; i++)
            a[i] = z[i] * StableMath.Sigmoid(z[i]);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int columns)
    {
        for (int i = 0; i < z.Length; i++)
        {
            float s = StableMath.Sigmoid(z[i]);
            inputGradient[i] = outputGradient[i] * s * (1f + z[i] * (1f - s));
        }
    }
}
