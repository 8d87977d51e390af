using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// Any <see cref="IOptimizer"/> as the last link of a chain (role <see cref="TransformationRole.UpdateRule"/>): it
/// receives the update the links before it produced, in place of the gradient, and moves the parameters itself.
/// <c>new DecoupledWeightDecay(myOptimizer, λ)</c> is <see cref="WeightDecay"/> followed by this link.
/// </summary>
/// <remarks>
/// <para>The links before it may change the gradient (clipping, L2) and the parameters (decoupled decay); the
/// optimizer sees the result, exactly as it would if those were gradient transforms run before it. Its learning rate
/// is the step's, divided by the step-size corrections of the links before it (see
/// <see cref="ScaleByLearningRate"/>). What the optimizer does inside is opaque to the chain: its own weight decay,
/// say, is not seen by <see cref="GradientTransformationChain.Validate"/>; write it as links to have it checked.</para>
/// <para>State: the optimizer's own, as its <see cref="IOptimizer.CreateState"/> makes it.</para>
/// </remarks>
public sealed class OptimizerLink : IGradientTransformation, IParameterTransformation
{
    /// <summary>Wraps <paramref name="optimizer"/> as a link.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    public OptimizerLink(IOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
    }

    /// <summary>The wrapped optimizer.</summary>
    public IOptimizer Optimizer { get; }

    /// <inheritdoc/>
    public string Name => Optimizer.Name;

    /// <inheritdoc/>
    public TransformationRole Role => TransformationRole.UpdateRule;

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount) => Optimizer.CreateState(parameterCount);

    /// <inheritdoc/>
    public void Update(Span<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step) =>
        Optimizer.Update(parameters, updates, state, step);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(ReadOnlySpan<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step) =>
        Optimizer.Update(parameters, updates, state, step);

    /// <summary>The optimizer's name, for messages.</summary>
    public override string ToString() => Name;
}
