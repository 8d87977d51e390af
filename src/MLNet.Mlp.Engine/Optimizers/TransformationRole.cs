namespace MLNet.Mlp.Optimizers;

/// <summary>
/// What a link of a <see cref="GradientTransformationChain"/> is. Every <see cref="IGradientTransformation"/>
/// declares one, so that <see cref="GradientTransformationChain.Validate"/> can check a chain's composition
/// (at most one coupled L2 penalty and one decoupled weight decay, clipping before scaling) from the roles alone,
/// whatever the links' types, including links written in another assembly.
/// </summary>
/// <remarks>
/// <para>A link works on the update u (the gradient when the chain starts) and the parameters θ. The role also says
/// which of the two it may change: all roles change u only, except <see cref="DecoupledDecay"/>,
/// <see cref="LearningRate"/> and <see cref="UpdateRule"/>, which change θ only.</para>
/// <para>optax has no roles: there the position of <c>add_decayed_weights</c> decides whether it acts as an L2
/// penalty (before the scaling) or as decoupled decay (after it). Here the two are different links, so the
/// difference is explicit.</para>
/// </remarks>
public enum TransformationRole
{
    /// <summary>Any other change of the update (for example an <see cref="IGradientTransform"/> of your own,
    /// through <see cref="GradientTransformLink"/>). Allowed anywhere before the last link.</summary>
    Other,

    /// <summary>Bounds the update: <see cref="ClipByValue"/>, <see cref="ClipByGlobalNorm"/>. Must come before every
    /// <see cref="Scaling"/> link, so that it bounds the raw gradient.</summary>
    Clipping,

    /// <summary>Adds the gradient of an L2 penalty, u ← u + λθ: <see cref="L2Regularization"/>, which the
    /// <c>weightDecay</c> of <see cref="SgdOptimizer"/>, <see cref="AdamOptimizer"/>, <see cref="RmsPropOptimizer"/> and
    /// <see cref="AdagradOptimizer"/> produces. Must come before every <see cref="Scaling"/> link; at most one per chain.</summary>
    CoupledL2,

    /// <summary>Shrinks the parameters directly, θ ← θ (1 − η λ), bypassing the scaling: <see cref="WeightDecay"/>,
    /// which <see cref="AdamWOptimizer"/> and <see cref="DecoupledWeightDecay"/> produce. Changes θ, not u; at most one
    /// per chain.</summary>
    DecoupledDecay,

    /// <summary>An optimizer's momentum or preconditioning, u ← f(u, state): <see cref="MomentumTrace"/>,
    /// <see cref="ScaleByRms"/>, <see cref="ScaleByRootSumOfSquares"/>, <see cref="ScaleByAdam"/>.</summary>
    Scaling,

    /// <summary>Applies the update, θ ← θ − η u: <see cref="ScaleByLearningRate"/>. Changes θ, not u; the last link.</summary>
    LearningRate,

    /// <summary>A complete update rule that moves the parameters itself: an <see cref="IOptimizer"/> in a chain,
    /// through <see cref="OptimizerLink"/>. Changes θ, not u; the last link.</summary>
    UpdateRule,
}
