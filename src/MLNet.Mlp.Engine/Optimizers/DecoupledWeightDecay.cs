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
/// <para>The chain: [<see cref="WeightDecay"/>(λ) when λ &gt; 0, then the inner optimizer's links (a chain's own
/// links, any other optimizer through <see cref="OptimizerLink"/>)]. Around Adam the decay joins Adam's fused pass;
/// around the others it is one more pass over the weights.</para>
/// <para>The state is the inner optimizer's (this wrapper adds none), in the inner optimizer's layout.</para>
/// </remarks>
public sealed class DecoupledWeightDecay : GradientTransformationChain
{
    /// <summary>Wraps <paramref name="inner"/> with decoupled weight decay.</summary>
    /// <param name="inner">The optimizer that does the gradient step.</param>
    /// <param name="weightDecay">λ ≥ 0: each update multiplies the weight matrices by 1 − η λ.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weightDecay"/> is out of range; the message names it.</exception>
    public DecoupledWeightDecay(IOptimizer inner, float weightDecay)
        : base(NameFor(inner), ChainFor(inner, weightDecay))
    {
        Inner = inner;
        WeightDecay = weightDecay;
    }

    /// <summary>The wrapped optimizer.</summary>
    public IOptimizer Inner { get; }

    /// <summary>The decoupled weight decay λ.</summary>
    public float WeightDecay { get; }

    /// <summary>The wrapper's name around <paramref name="inner"/> (checkpoints store it with the state).</summary>
    internal static string NameFor(IOptimizer inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return $"DecoupledWeightDecay({inner.Name})";
    }

    private static IGradientTransformation[] ChainFor(IOptimizer inner, float weightDecay)
    {
        HyperParameter.NonNegative(weightDecay, nameof(weightDecay));
        IReadOnlyList<IGradientTransformation> own = LinksOf(inner);
        return weightDecay > 0f ? [new WeightDecay(weightDecay), .. own] : [.. own];
    }
}
