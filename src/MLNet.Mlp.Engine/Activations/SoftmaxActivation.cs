using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Activations;

/// <summary>
/// Softmax over each row: a_k = e^{z_k} / Σ_j e^{z_j}, computed as e^{z_k − max z} so that large logits
/// cannot overflow. The backward pass is the Jacobian-vector product ∂L/∂z = a ⊙ (g − Σ_j g_j a_j).
/// As the output of a network trained with <see cref="Losses.CategoricalCrossEntropyLoss"/>, the two are
/// fused and the output delta is simply A − Y.
/// </summary>
public sealed class SoftmaxActivation : IActivation
{
    /// <inheritdoc/>
    public string Name => "Softmax";

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> z, Span<float> a, int columns)
    {
        for (int r = 0; r + columns <= z.Length; r += columns)
            StableMath.Softmax(z.Slice(r, columns), a.Slice(r, columns));
    }

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int columns)
    {
        for (int r = 0; r + columns <= z.Length; r += columns)
        {
            var ar = a.Slice(r, columns);
            var gr = outputGradient.Slice(r, columns);
            float dot = 0f;
            for (int j = 0; j < columns; j++) dot += gr[j] * ar[j];
            var dz = inputGradient.Slice(r, columns);
            for (int j = 0; j < columns; j++) dz[j] = ar[j] * (gr[j] - dot);
        }
    }
}
