namespace MLNet.Mlp.Optimizers;

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019), as <c>torch.optim.AdamW</c>: Adam with decoupled weight decay.
/// </summary>
/// <remarks>
/// <code>
/// θ ← θ − η λ θ                  (weight-matrix prefix only; i.e. θ ← θ (1 − η λ))
/// then the Adam step of <see cref="AdamOptimizer"/> with the raw gradient.
/// </code>
/// <para>Conventions: the decay is multiplied by the scheduled learning rate η, as in PyTorch (the paper and
/// optax's <c>add_decayed_weights</c> scale it by the schedule multiplier only; Keras's AdamW also uses η·λ).
/// PyTorch's default λ is 0.01. The same decay can be put in front of any optimizer with
/// <see cref="DecoupledWeightDecay"/>.</para>
/// <para>The chain: [<see cref="WeightDecay"/>(λ) when λ &gt; 0, <see cref="ScaleByAdam"/>,
/// <see cref="ScaleByLearningRate"/>], fused into one vectorized pass; no allocation.</para>
/// <para>State: buffer 0 = m, 1 = v, 2 = v_max (AMSGrad only).</para>
/// </remarks>
public sealed class AdamWOptimizer : GradientTransformationChain
{
    /// <summary>Creates an AdamW optimizer (PyTorch's defaults).</summary>
    /// <param name="beta1">β₁ in [0, 1). Default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1). Default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0, added to √v̂. Default 1e-8.</param>
    /// <param name="amsgrad">Use the AMSGrad variant.</param>
    /// <param name="weightDecay">λ ≥ 0, the decoupled decay rate. Default 0.01.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range; the message names it.</exception>
    public AdamWOptimizer(float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, bool amsgrad = false, float weightDecay = 0.01f)
        : base("AdamW", ChainFor(new ScaleByAdam(beta1, beta2, epsilon, amsgrad), weightDecay))
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        AmsGrad = amsgrad;
        WeightDecay = weightDecay;
    }

    /// <summary>β₁, the decay of the first moment.</summary>
    public float Beta1 { get; }

    /// <summary>β₂, the decay of the second moment.</summary>
    public float Beta2 { get; }

    /// <summary>ε, added outside the square root.</summary>
    public float Epsilon { get; }

    /// <summary>Whether the AMSGrad variant is used.</summary>
    public bool AmsGrad { get; }

    /// <summary>The decoupled weight decay λ.</summary>
    public float WeightDecay { get; }

    private static IGradientTransformation[] ChainFor(ScaleByAdam scaling, float weightDecay)
    {
        HyperParameter.NonNegative(weightDecay, nameof(weightDecay));
        return weightDecay > 0f
            ? [new WeightDecay(weightDecay), scaling, new ScaleByLearningRate()]
            : [scaling, new ScaleByLearningRate()];
    }
}
