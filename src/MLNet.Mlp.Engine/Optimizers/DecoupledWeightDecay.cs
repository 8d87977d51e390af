using System.Runtime.CompilerServices;
using MLNet.Mlp.Numerics.Elementwise;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// Decoupled weight decay in front of any optimizer (Loshchilov and Hutter's "W", optax's
/// <c>add_decayed_weights</c> as a chain link): θ ← θ (1 − η λ) on the weight matrices, then the inner update.
/// </summary>
/// <remarks>
/// <para>The decay is applied to the prefix of <see cref="OptimizerStep.DecayedCount"/> values (not to biases or
/// batch-norm parameters), scaled by the step's learning rate η as in <c>torch.optim.AdamW</c>, before the inner
/// optimizer runs; the inner optimizer therefore sees the decayed θ (which only matters for inner optimizers that
/// read θ, such as those with coupled weight decay). <c>DecoupledWeightDecay(new AdamOptimizer(), λ)</c> equals
/// <c>new AdamWOptimizer(weightDecay: λ)</c>; for SGD without momentum it equals coupled decay.</para>
/// <para>The state is the inner optimizer's (this wrapper keeps none).</para>
/// </remarks>
public sealed class DecoupledWeightDecay : IOptimizer
{
    /// <summary>Wraps <paramref name="inner"/> with decoupled weight decay.</summary>
    /// <param name="inner">The optimizer that does the gradient step.</param>
    /// <param name="weightDecay">λ ≥ 0: each update multiplies the weight matrices by 1 − η λ.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weightDecay"/> is out of range; the message names it.</exception>
    public DecoupledWeightDecay(IOptimizer inner, float weightDecay)
    {
        ArgumentNullException.ThrowIfNull(inner);
        HyperParameter.NonNegative(weightDecay, nameof(weightDecay));
        Inner = inner;
        WeightDecay = weightDecay;
    }

    /// <summary>The wrapped optimizer.</summary>
    public IOptimizer Inner { get; }

    /// <summary>The decoupled weight decay λ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    public string Name => $"DecoupledWeightDecay({Inner.Name})";

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount) => Inner.CreateState(parameterCount);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, OptimizerState state, in OptimizerStep step)
    {
        UpdateArguments.Check(parameters.Length, gradients.Length, step);
        if (WeightDecay != 0f)
        {
            Span<float> weights = parameters[..step.DecayedCount];
            SpanMultiply.ByScalar(weights, (float)(1.0 - (double)step.LearningRate * WeightDecay));
        }

        Inner.Update(parameters, gradients, state, step);
    }
}
