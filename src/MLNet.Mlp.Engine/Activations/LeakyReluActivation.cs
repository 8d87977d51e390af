using System.Runtime.CompilerServices;
using MLNet.Mlp.Initializers;

namespace MLNet.Mlp.Activations;

/// <summary>
/// Leaky ReLU: z for z &gt; 0, slope·z otherwise. The small negative-side slope keeps units from "dying"
/// (a ReLU unit whose input stays negative never receives gradient again).
/// </summary>
public sealed class LeakyReluActivation : IActivation
{
    /// <summary>Creates a leaky ReLU.</summary>
    /// <param name="slope">The slope for z ≤ 0, in [0, 1). Default 0.01 (PyTorch's and Keras's default).</param>
    public LeakyReluActivation(float slope = 0.01f)
    {
        if (!(slope >= 0f && slope < 1f))
            throw new ArgumentOutOfRangeException(nameof(slope), slope, "Leaky ReLU slope must be in [0, 1).");
        Slope = slope;
    }

    /// <summary>The slope for z ≤ 0.</summary>
    public float Slope { get; }

    /// <inheritdoc/>
    public string Name => "LeakyRelu";

    /// <inheritdoc/>
    public IWeightInitializer DefaultInitializer => WeightInitializers.HeUniform;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> z, Span<float> a, int columns)
    {
        for (int i = 0; i < z.Length; i++)
            a[i] = z[i] > 0f ? z[i] : Slope * z[i];
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int columns)
    {
        for (int i = 0; i < z.Length; i++)
            inputGradient[i] = z[i] > 0f ? outputGradient[i] : Slope * outputGradient[i];
    }
}
