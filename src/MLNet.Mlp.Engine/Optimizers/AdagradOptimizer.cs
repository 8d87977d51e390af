namespace MLNet.Mlp.Optimizers;

/// <summary>
/// Adagrad (Duchi, Hazan and Singer, 2011), as <c>torch.optim.Adagrad</c>:
/// G ← G + g²; θ ← θ − η g / (√G + ε).
/// </summary>
/// <remarks>
/// <para>With weight decay λ, the gradient first becomes g + λθ (coupled L2, weight-matrix prefix only).
/// G starts at <see cref="InitialAccumulator"/>. ε is outside the square root with PyTorch's default 1e-10
/// (Keras: ε = 1e-7, initial accumulator 0.1). PyTorch's <c>lr_decay</c> is not offered: use a learning-rate
/// schedule such as <see cref="Schedules.InverseTimeDecaySchedule"/> instead.</para>
/// <para>The chain: [<see cref="L2Regularization"/>(λ) when λ &gt; 0, <see cref="ScaleByRootSumOfSquares"/>,
/// <see cref="ScaleByLearningRate"/>], fused into one vectorized pass; no allocation.</para>
/// <para>State: buffer 0 = G.</para>
/// </remarks>
public sealed class AdagradOptimizer : GradientTransformationChain
{
    /// <summary>Creates an Adagrad optimizer (PyTorch's defaults).</summary>
    /// <param name="epsilon">ε &gt; 0, added to √G. Default 1e-10.</param>
    /// <param name="initialAccumulator">The starting value of G, ≥ 0. Default 0.</param>
    /// <param name="weightDecay">λ ≥ 0, coupled L2 on the weight matrices only. Default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range; the message names it.</exception>
    public AdagradOptimizer(float epsilon = 1e-10f, float initialAccumulator = 0f, float weightDecay = 0f)
        : base("Adagrad", ChainFor(new ScaleByRootSumOfSquares(epsilon, initialAccumulator), weightDecay))
    {
        Epsilon = epsilon;
        InitialAccumulator = initialAccumulator;
        WeightDecay = weightDecay;
    }

    /// <summary>ε, added outside the square root.</summary>
    public float Epsilon { get; }

    /// <summary>The initial value of the accumulator G.</summary>
    public float InitialAccumulator { get; }

    /// <summary>The coupled weight decay λ.</summary>
    public float WeightDecay { get; }

    private static IGradientTransformation[] ChainFor(ScaleByRootSumOfSquares scaling, float weightDecay)
    {
        HyperParameter.NonNegative(weightDecay, nameof(weightDecay));
        return weightDecay > 0f
            ? [new L2Regularization(weightDecay), scaling, new ScaleByLearningRate()]
            : [scaling, new ScaleByLearningRate()];
    }
}
