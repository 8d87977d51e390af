namespace MLNet.Mlp.Optimizers;

/// <summary>
/// Adam (Kingma and Ba, 2015), as <c>torch.optim.Adam</c>; the library's default optimizer.
/// </summary>
/// <remarks>
/// <para>With learning rate η and 1-based step t:</para>
/// <code>
/// g ← g + λ θ                               (optional coupled L2, weight-matrix prefix only)
/// m ← β₁ m + (1 − β₁) g        v ← β₂ v + (1 − β₂) g²
/// m̂ = m / (1 − β₁ᵗ)            v̂ = v / (1 − β₂ᵗ)          (AMSGrad: v_max ← max(v_max, v); v̂ = v_max / (1 − β₂ᵗ))
/// θ ← θ − η m̂ / (√v̂ + ε)
/// </code>
/// <para>Conventions (PyTorch's, so results can be checked against it): ε is added outside the square root, after
/// the bias correction (some texts write √(v̂ + ε); Keras uses ε outside too but its "ε-hat" differs:
/// it adds ε to √v before correcting). Computed as PyTorch does: step size η/(1 − β₁ᵗ) and √(1 − β₂ᵗ) in double,
/// denominator √v / √(1 − β₂ᵗ) + ε. AMSGrad keeps the maximum of the raw v and bias-corrects it with the current
/// step, as PyTorch does (the paper has no bias correction).</para>
/// <para>Weight decay here is PyTorch's coupled L2 (it passes through the moments, which makes it weak for
/// adaptive methods); the decoupled form is <see cref="AdamWOptimizer"/>.</para>
/// <para>The chain: [<see cref="L2Regularization"/>(λ) when λ &gt; 0, <see cref="ScaleByAdam"/>,
/// <see cref="ScaleByLearningRate"/>], fused into one vectorized pass; no allocation.</para>
/// <para>State: buffer 0 = m, 1 = v, 2 = v_max (AMSGrad only).</para>
/// </remarks>
public sealed class AdamOptimizer : GradientTransformationChain
{
    /// <summary>Creates an Adam optimizer (PyTorch's and Keras's defaults).</summary>
    /// <param name="beta1">β₁ in [0, 1): decay of the first moment. Default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1): decay of the second moment. Default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0, added to √v̂. Default 1e-8.</param>
    /// <param name="amsgrad">Use the AMSGrad variant (running maximum of v).</param>
    /// <param name="weightDecay">λ ≥ 0, coupled L2 (g ← g + λθ) on the weight matrices only. Default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range; the message names it.</exception>
    public AdamOptimizer(float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, bool amsgrad = false, float weightDecay = 0f)
        : base("Adam", ChainFor(new ScaleByAdam(beta1, beta2, epsilon, amsgrad), weightDecay))
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

    /// <summary>The coupled weight decay λ.</summary>
    public float WeightDecay { get; }

    private static IGradientTransformation[] ChainFor(ScaleByAdam scaling, float weightDecay)
    {
        HyperParameter.NonNegative(weightDecay, nameof(weightDecay));
        return weightDecay > 0f
            ? [new L2Regularization(weightDecay), scaling, new ScaleByLearningRate()]
            : [scaling, new ScaleByLearningRate()];
    }
}
