using MLNet.Mlp.Activations;

namespace MLNet.Mlp.Tests.Custom;

/// <summary>
/// A custom activation written against the public <see cref="IActivation"/> contract only:
/// softsign(z) = z / (1 + |z|), derivative 1 / (1 + |z|)².
/// </summary>
public sealed class SoftsignActivation : IActivation
{
    /// <inheritdoc/>
    public string Name => "Softsign";

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> z, Span<float> a, int columns)
    {
        for (int i = 0; i < z.Length; i++) a[i] = z[i] / (1f + MathF.Abs(z[i]));
    }

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int columns)
    {
        for (int i = 0; i < z.Length; i++)
        {
            float d = 1f + MathF.Abs(z[i]);
            inputGradient[i] = outputGradient[i] / (d * d);
        }
    }
}
