namespace MLNet.Mlp.Optimizers;

/// <summary>
/// Stochastic gradient descent, exactly as <c>torch.optim.SGD</c>: plain, with classic (heavy-ball) momentum,
/// optional dampening, Nesterov momentum and coupled weight decay.
/// </summary>
/// <remarks>
/// <para>With learning rate η (from <see cref="OptimizerStep.LearningRate"/>), weight decay λ, momentum μ and
/// dampening d, one update is:</para>
/// <code>
/// g ← g + λ θ                            (weight decay = coupled L2, weight-matrix prefix only)
/// b₁ = g,  b_t = μ b_{t−1} + (1 − d) g    (when μ ≠ 0)
/// g ← g + μ b_t  (Nesterov)   or   g ← b_t  (otherwise)
/// θ ← θ − η g
/// </code>
/// <para>This is the classic form v_t = μ v_{t−1} + g_t (the gradient is not scaled by 1 − μ): the effective step
/// is about η/(1 − μ). The "dampened" (moving-average) form v_t = β v_{t−1} + (1 − β) g_t, v₀ = 0, is
/// <see cref="MomentumOptimizer"/>. PyTorch's dampening = μ comes close to it but starts the buffer at b₁ = g
/// (not (1 − μ) g); this class reproduces PyTorch, including that first step.</para>
/// <para>The buffer is initialized from the gradient on the update whose <see cref="OptimizerStep.Step"/> is 1
/// (PyTorch does it when the buffer does not exist yet), so a run must start counting at 1 with a fresh state.</para>
/// <para>The chain: [<see cref="L2Regularization"/>(λ) when λ &gt; 0, <see cref="MomentumTrace"/>(μ, d, Nesterov) when
/// μ ≠ 0, <see cref="ScaleByLearningRate"/>], fused into one vectorized pass; no allocation.</para>
/// <para>State: buffer 0 = the momentum buffer b (only when μ ≠ 0; plain SGD has no state).</para>
/// <para>Weight decay here is coupled (it goes through the momentum); for the decoupled form wrap any optimizer in
/// <see cref="DecoupledWeightDecay"/>.</para>
/// </remarks>
public sealed class SgdOptimizer : GradientTransformationChain
{
    /// <summary>Creates an SGD optimizer (PyTorch's defaults: no momentum, no dampening, no weight decay).</summary>
    /// <param name="momentum">μ, in [0, 1). 0 gives plain SGD.</param>
    /// <param name="dampening">d, in [0, 1]: the gradient enters the momentum buffer scaled by 1 − d.</param>
    /// <param name="nesterov">Use Nesterov momentum g + μ b_t. Requires μ &gt; 0 and d = 0.</param>
    /// <param name="weightDecay">λ ≥ 0, coupled L2 (g ← g + λθ) on the weight matrices only.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range; the message names it.</exception>
    /// <exception cref="ArgumentException"><paramref name="nesterov"/> without momentum or with dampening.</exception>
    public SgdOptimizer(float momentum = 0f, float dampening = 0f, bool nesterov = false, float weightDecay = 0f)
        : base(NameFor(momentum, nesterov), ChainFor(momentum, dampening, nesterov, weightDecay))
    {
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
    }

    /// <summary>The momentum μ (0 = plain SGD).</summary>
    public float Momentum { get; }

    /// <summary>The dampening d.</summary>
    public float Dampening { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>The coupled weight decay λ.</summary>
    public float WeightDecay { get; }

    private static string NameFor(float momentum, bool nesterov) => nesterov ? "Nesterov" : momentum != 0f ? "SgdMomentum" : "Sgd";

    private static List<IGradientTransformation> ChainFor(float momentum, float dampening, bool nesterov, float weightDecay)
    {
        HyperParameter.InUnitIntervalOpen(momentum, nameof(momentum));
        HyperParameter.InUnitIntervalClosed(dampening, nameof(dampening));
        HyperParameter.NonNegative(weightDecay, nameof(weightDecay));
        if (nesterov && (momentum <= 0f || dampening != 0f))
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening", nameof(nesterov));
        var links = new List<IGradientTransformation>();
        if (weightDecay > 0f) links.Add(new L2Regularization(weightDecay));
        if (momentum != 0f) links.Add(new MomentumTrace(momentum, dampening, nesterov));
        links.Add(new ScaleByLearningRate());
        return links;
    }
}
