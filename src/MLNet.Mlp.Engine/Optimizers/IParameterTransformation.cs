namespace MLNet.Mlp.Optimizers;

/// <summary>
/// A built-in link that changes the parameters only and merely reads the update (decoupled decay, the learning rate,
/// an optimizer in a chain). The chain runs it on the incoming, read-only gradient, so that putting such a link in
/// front of a fused update (<see cref="DecoupledWeightDecay"/> around SGD, say) costs no copy of the gradient.
/// </summary>
internal interface IParameterTransformation
{
    /// <summary>The link's <see cref="IGradientTransformation.Update"/> with a read-only update.</summary>
    void Apply(ReadOnlySpan<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step);
}
