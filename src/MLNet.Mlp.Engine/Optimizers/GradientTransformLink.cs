namespace MLNet.Mlp.Optimizers;

/// <summary>
/// Any <see cref="IGradientTransform"/> as a chain link of role <see cref="TransformationRole.Other"/>, so that a
/// transform written before chains existed composes with them. The built-in transforms (<see cref="ClipByValue"/>,
/// <see cref="ClipByGlobalNorm"/>, <see cref="L2Regularization"/>) are links themselves and need no wrapper.
/// </summary>
/// <remarks>
/// The role is <see cref="TransformationRole.Other"/> because a transform cannot say what it is: to have a transform
/// of yours take part in the composition check (as a clipping, say), implement <see cref="IGradientTransformation"/>
/// and declare its role. No state.
/// </remarks>
public sealed class GradientTransformLink : IGradientTransformation
{
    /// <summary>Wraps <paramref name="transform"/> as a link.</summary>
    /// <param name="transform">The transform.</param>
    /// <exception cref="ArgumentNullException"><paramref name="transform"/> is null.</exception>
    public GradientTransformLink(IGradientTransform transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        Transform = transform;
    }

    /// <summary>The wrapped transform.</summary>
    public IGradientTransform Transform { get; }

    /// <inheritdoc/>
    public string Name => Transform.Name;

    /// <inheritdoc/>
    public TransformationRole Role => TransformationRole.Other;

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount) => new(0, parameterCount);

    /// <inheritdoc/>
    public void Update(Span<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step) =>
        Transform.Apply(updates, parameters, step);

    /// <summary>The transform's name, for messages.</summary>
    public override string ToString() => Name;
}
