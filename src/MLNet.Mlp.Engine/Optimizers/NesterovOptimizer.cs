using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// SGD with Nesterov momentum, as <c>torch.optim.SGD(momentum=μ, nesterov=True)</c>:
/// b₁ = g, b_t = μ b_{t−1} + g; θ ← θ − η (g + μ b_t).
/// </summary>
/// <remarks>
/// A convenience for <see cref="SgdOptimizer"/> with <c>nesterov: true</c> and no dampening; it behaves exactly
/// like it (same state layout: buffer 0 = the momentum buffer). Keras's <c>SGD(nesterov=True)</c> uses the same
/// look-ahead reformulation.
/// </remarks>
public sealed class NesterovOptimizer : IOptimizer
{
    private readonly SgdOptimizer _sgd;

    /// <summary>Creates SGD with Nesterov momentum.</summary>
    /// <param name="momentum">μ in (0, 1). Default 0.9.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="momentum"/> is out of range; the message names it.</exception>
    public NesterovOptimizer(float momentum = 0.9f)
    {
        if (!(momentum > 0f && momentum < 1f)) throw HyperParameter.Invalid(nameof(momentum), momentum, "in (0, 1)");
        _sgd = new SgdOptimizer(momentum, 0f, nesterov: true);
    }

    /// <summary>The momentum μ.</summary>
    public float Momentum => _sgd.Momentum;

    /// <inheritdoc/>
    public string Name => "Nesterov";

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount) => _sgd.CreateState(parameterCount);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, OptimizerState state, in OptimizerStep step) =>
        _sgd.Update(parameters, gradients, state, step);
}
