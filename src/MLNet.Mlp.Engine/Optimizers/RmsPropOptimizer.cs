namespace MLNet.Mlp.Optimizers;

/// <summary>
/// RMSProp (Hinton, Coursera lecture 6e), as <c>torch.optim.RMSprop</c>:
/// s_t = ρ s_{t−1} + (1 − ρ) g_t²; θ ← θ − η g_t / (√s_t + ε).
/// </summary>
/// <remarks>
/// <para>Full update, with weight decay λ, momentum μ and the centered variant:</para>
/// <code>
/// g ← g + λ θ                                  (coupled L2, weight-matrix prefix only)
/// s ← ρ s + (1 − ρ) g²
/// centered:  a ← ρ a + (1 − ρ) g;   D = √max(s − a², 0) + ε     otherwise D = √s + ε
/// μ &gt; 0:     b ← μ b + g / D;        θ ← θ − η b                 otherwise θ ← θ − η g / D
/// </code>
/// <para>Conventions: ρ is PyTorch's <c>alpha</c> (default 0.99; Keras calls it <c>rho</c>, default 0.9). ε is added
/// outside the square root, as in PyTorch (Keras 3 does the same; TF1 put it inside). All buffers start at 0
/// (the momentum buffer too, as in PyTorch). The max(·, 0) in the centered form guards against a rounding-negative
/// variance; PyTorch has no such guard but the two agree whenever PyTorch's result is finite. optax's
/// <c>rmsprop</c> applies the learning rate before its momentum trace, the same value up to rounding.</para>
/// <para>The chain: [<see cref="L2Regularization"/>(λ) when λ &gt; 0, <see cref="ScaleByRms"/>(ρ, ε, centered),
/// <see cref="MomentumTrace"/>(μ, from zero) when μ &gt; 0, <see cref="ScaleByLearningRate"/>], fused into one
/// vectorized pass; no allocation.</para>
/// <para>State: buffer 0 = s, then b when μ &gt; 0, then a when centered.</para>
/// </remarks>
public sealed class RmsPropOptimizer : GradientTransformationChain
{
    /// <summary>Creates an RMSProp optimizer (PyTorch's defaults).</summary>
    /// <param name="rho">ρ in [0, 1): the decay of the mean square (PyTorch's <c>alpha</c>). Default 0.99.</param>
    /// <param name="epsilon">ε &gt; 0, added to √s. Default 1e-8.</param>
    /// <param name="momentum">μ in [0, 1). Default 0.</param>
    /// <param name="centered">Normalize by the estimated variance s − a² instead of the mean square.</param>
    /// <param name="weightDecay">λ ≥ 0, coupled L2 on the weight matrices only. Default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range; the message names it.</exception>
    public RmsPropOptimizer(float rho = 0.99f, float epsilon = 1e-8f, float momentum = 0f, bool centered = false, float weightDecay = 0f)
        : base("RmsProp", ChainFor(new ScaleByRms(rho, epsilon, centered), momentum, weightDecay))
    {
        Rho = rho;
        Epsilon = epsilon;
        Momentum = momentum;
        Centered = centered;
        WeightDecay = weightDecay;
    }

    /// <summary>ρ, the decay of the mean square.</summary>
    public float Rho { get; }

    /// <summary>ε, added outside the square root.</summary>
    public float Epsilon { get; }

    /// <summary>The momentum μ (0 = none).</summary>
    public float Momentum { get; }

    /// <summary>Whether the centered variant is used.</summary>
    public bool Centered { get; }

    /// <summary>The coupled weight decay λ.</summary>
    public float WeightDecay { get; }

    private static List<IGradientTransformation> ChainFor(ScaleByRms scaling, float momentum, float weightDecay)
    {
        HyperParameter.InUnitIntervalOpen(momentum, nameof(momentum));
        HyperParameter.NonNegative(weightDecay, nameof(weightDecay));
        var links = new List<IGradientTransformation>();
        if (weightDecay > 0f) links.Add(new L2Regularization(weightDecay));
        links.Add(scaling);
        if (momentum != 0f) links.Add(new MomentumTrace(momentum, startFromFirstUpdate: false));
        links.Add(new ScaleByLearningRate());
        return links;
    }
}
