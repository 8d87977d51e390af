using System.Runtime.CompilerServices;
using MLNet.Mlp.Initializers;

namespace MLNet.Mlp.Activations;

/// <summary>Exponential linear unit: z for z &gt; 0, α(e^z − 1) otherwise; derivative 1 or a + α.</summary>
public sealed class EluActivation : IActivation
{
    /// <summary>Creates an ELU.</summary>
    /// <param name="alpha">The saturation value −α for z → −∞; positive. Default 1.</param>
    public EluActivation(float alpha = 1f)
    {
        if (!(alpha > 0f) || float.IsInfinity(alpha))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "ELU alpha must be positive and finite.");
        Alpha = alpha;
    }

    /// <summary>The α parameter.</summary>
    public float Alpha { get; }

    /// <inheritdoc/>
    public string Name => "Elu";

    /// <inheritdoc/>
    public IWeightInitializer DefaultInitializer => WeightInitializers.HeUniform;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> z, Span<float> a, int columns)
    {
        for (int i = 0; i < z.Length; i++)
            a[i] = z[i] > 0f ? z[i] : Alpha * (MathF.Exp(z[i]) - 1f);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int columns)
    {
        for (int i = 0; i < z.Length; i++)
            inputGradient[i] = z[i] > 0f ? outputGradient[i] : outputGradient[i] * (a[i] + Alpha);
    }
}
