using MLNet.Mlp.Activations;

namespace MLNet.Mlp.Losses;

/// <summary>
/// A loss L over a mini-batch of network outputs. Buffers are row-major [rows × columns]; targets are
/// [rows × targetWidth] (see each loss for the widths it accepts); weights are empty (all 1) or one per row.
/// </summary>
/// <remarks>
/// The value returned is the weighted sum Σᵢ wᵢ·ℓᵢ over the rows; the gradient written is that of
/// <c>gradientScale</c> × Σᵢ wᵢ·ℓᵢ. The trainer passes <c>gradientScale = 1/m</c> for a batch of m rows, so
/// the step follows the batch mean L = 1/m Σ ℓᵢ and example weights scale each row's share
/// without renormalizing the batch (Keras's <c>sample_weight</c> convention).
/// </remarks>
public interface ILoss
{
    /// <summary>A short, stable name.</summary>
    string Name { get; }

    /// <summary>Computes the loss from the outputs a = σ(z) and writes ∂L/∂a.</summary>
    /// <param name="outputs">Network outputs, [rows × columns].</param>
    /// <param name="targets">Targets, [rows × targetWidth].</param>
    /// <param name="weights">Empty, or one non-negative weight per row.</param>
    /// <param name="outputGradient">Receives gradientScale · ∂(Σ wᵢℓᵢ)/∂a.</param>
    /// <param name="columns">Output width.</param>
    /// <param name="gradientScale">Factor applied to the gradient (1/m for a batch mean).</param>
    /// <returns>Σᵢ wᵢ·ℓᵢ.</returns>
    double Compute(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights,
        Span<float> outputGradient, int columns, float gradientScale);

    /// <summary>
    /// The fused, numerically stable path for an output activation this loss pairs with (softmax with
    /// cross-entropy, sigmoid with binary cross-entropy): computes the loss from the logits and writes ∂L/∂z
    /// directly. Returns false when the pair is not fused, and the network falls back to
    /// <see cref="Compute"/> followed by the activation's backward pass.
    /// </summary>
    /// <param name="outputActivation">The output layer's activation.</param>
    /// <param name="logits">Pre-activations z of the output layer.</param>
    /// <param name="outputs">a = σ(z).</param>
    /// <param name="targets">Targets, [rows × targetWidth].</param>
    /// <param name="weights">Empty, or one weight per row.</param>
    /// <param name="logitGradient">Receives gradientScale · ∂(Σ wᵢℓᵢ)/∂z.</param>
    /// <param name="columns">Output width.</param>
    /// <param name="gradientScale">Factor applied to the gradient.</param>
    /// <param name="loss">Σᵢ wᵢ·ℓᵢ.</param>
    bool TryComputeFused(IActivation outputActivation, ReadOnlySpan<float> logits, ReadOnlySpan<float> outputs,
        ReadOnlySpan<float> targets, ReadOnlySpan<float> weights, Span<float> logitGradient, int columns,
        float gradientScale, out double loss)
    {
        loss = 0;
        return false;
    }
}
