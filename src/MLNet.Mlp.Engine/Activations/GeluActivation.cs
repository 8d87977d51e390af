using System.Runtime.CompilerServices;
using MLNet.Mlp.Initializers;

namespace MLNet.Mlp.Activations;

/// <summary>
/// Gaussian error linear unit, exact form: GELU(z) = z·Φ(z) = ½z(1 + erf(z/√2));
/// derivative Φ(z) + z·φ(z). Matches PyTorch's default (<c>approximate='none'</c>) and ONNX's erf form.
/// </summary>
public sealed class GeluActivation : IActivation
{
    private const float InvSqrt2 = 0.70710678118654752f;
    private const float InvSqrt2Pi = 0.39894228040143268f;

    /// <inheritdoc/>
    public string Name => "Gelu";

    /// <inheritdoc/>
    public IWeightInitializer DefaultInitializer => WeightInitializers.HeUniform;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> z, Span<float> a, int columns)
    {
        for (int i = 0; i < z.Length; i++)
            a[i] = 0.5f * z[i] * (1f + ErrorFunction.Erf(z[i] * InvSqrt2));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int columns)
    {
        for (int i = 0; i < z.Length; i++)
        {
            float x = z[i];
            float cdf = 0.5f * (1f + ErrorFunction.Erf(x * InvSqrt2));
            float pdf = InvSqrt2Pi * MathF.Exp(-0.5f * x * x);
            inputGradient[i] = outputGradient[i] * (cdf + x * pdf);
        }
    }
}
