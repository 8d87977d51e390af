namespace MLNet.Mlp.Optimizers;

/// <summary>
/// Gradient descent with momentum in the dampened (exponential moving average) form taught in
/// Andrew Ng's course: v_t = β v_{t−1} + (1 − β) g_t, v₀ = 0; θ ← θ − η v_t.
/// </summary>
/// <remarks>
/// <para>This differs from PyTorch. <c>torch.optim.SGD(momentum=μ)</c> uses the classic form v_t = μ v_{t−1} + g_t
/// (here: <see cref="SgdOptimizer"/>), whose steps are about 1/(1 − μ) times larger. PyTorch with
/// <c>dampening=μ</c> comes close to this class but starts its buffer at v₁ = g₁ instead of (1 − β) g₁, so the
/// two trajectories differ from the first step on (this class takes a first step of η (1 − β) g₁, PyTorch η g₁).
/// Keras's <c>SGD(momentum=…)</c> is the classic form, written v ← μv − ηg.</para>
/// <para>The chain: [<see cref="MomentumTrace"/>(μ = β, d = β, from zero), <see cref="ScaleByLearningRate"/>], fused
/// into one vectorized pass; no allocation.</para>
/// <para>State: buffer 0 = the velocity v.</para>
/// </remarks>
public sealed class MomentumOptimizer : GradientTransformationChain
{
    /// <summary>Creates the dampened momentum optimizer.</summary>
    /// <param name="beta">β in [0, 1): the decay of the moving average (0 is plain SGD). Default 0.9.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is out of range; the message names it.</exception>
    public MomentumOptimizer(float beta = 0.9f)
        : base("Momentum", ChainFor(beta))
    {
        Beta = beta;
    }

    /// <summary>β, the decay of the velocity.</summary>
    public float Beta { get; }

    private static IGradientTransformation[] ChainFor(float beta)
    {
        HyperParameter.InUnitIntervalOpen(beta, nameof(beta));
        return [new MomentumTrace(beta, dampening: beta, startFromFirstUpdate: false), new ScaleByLearningRate()];
    }
}
