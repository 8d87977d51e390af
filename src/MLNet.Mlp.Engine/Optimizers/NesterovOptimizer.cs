namespace MLNet.Mlp.Optimizers;

/// <summary>
/// SGD with Nesterov momentum, as <c>torch.optim.SGD(momentum=μ, nesterov=True)</c>:
/// b₁ = g, b_t = μ b_{t−1} + g; θ ← θ − η (g + μ b_t).
/// </summary>
/// <remarks>
/// A convenience for <see cref="SgdOptimizer"/> with <c>nesterov: true</c> and no dampening; it behaves exactly
/// like it: the chain [<see cref="MomentumTrace"/>(μ, Nesterov), <see cref="ScaleByLearningRate"/>], fused into one
/// pass, and the same state layout (buffer 0 = the momentum buffer). Keras's <c>SGD(nesterov=True)</c> uses the same
/// look-ahead reformulation.
/// </remarks>
public sealed class NesterovOptimizer : GradientTransformationChain
{
    /// <summary>Creates SGD with Nesterov momentum.</summary>
    /// <param name="momentum">μ in (0, 1). Default 0.9.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="momentum"/> is out of range; the message names it.</exception>
    public NesterovOptimizer(float momentum = 0.9f)
        : base("Nesterov", ChainFor(momentum))
    {
        Momentum = momentum;
    }

    /// <summary>The momentum μ.</summary>
    public float Momentum { get; }

    private static IGradientTransformation[] ChainFor(float momentum)
    {
        if (!(momentum > 0f && momentum < 1f)) throw HyperParameter.Invalid(nameof(momentum), momentum, "in (0, 1)");
        return [new MomentumTrace(momentum, nesterov: true), new ScaleByLearningRate()];
    }
}
