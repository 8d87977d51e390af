namespace MLNet.Mlp.Optimizers;

/// <summary>
/// One link of a <see cref="GradientTransformationChain"/>: a state initialization (<see cref="CreateState"/>) and an
/// update (<see cref="Update"/>) of the update u, as optax's <c>GradientTransformation</c>. An optimizer is a chain
/// of such links, for example Adam = <see cref="ScaleByAdam"/> → <see cref="ScaleByLearningRate"/>.
/// </summary>
/// <remarks>
/// <para>The chain hands u from link to link: it starts as the gradient, each link transforms it in place, and the
/// last link (<see cref="TransformationRole.LearningRate"/> or <see cref="TransformationRole.UpdateRule"/>) moves the
/// parameters with it. Unlike optax, where the chain only returns updates that <c>apply_updates</c> adds to θ, a
/// link may change θ in place; its <see cref="Role"/> says which of u and θ it changes.</para>
/// <para>Parameter layout: as for <see cref="IOptimizer"/>, the weight matrices are the first
/// <see cref="OptimizerStep.DecayedCount"/> values of the flat parameter buffer. Implement this interface in your own
/// assembly for a link of your own; like an optimizer it must be deterministic and keep all mutable state in the
/// <see cref="OptimizerState"/> it creates.</para>
/// </remarks>
public interface IGradientTransformation
{
    /// <summary>A short, stable name (used in messages).</summary>
    string Name { get; }

    /// <summary>What the link is, for the chain's composition check.</summary>
    TransformationRole Role { get; }

    /// <summary>Creates the link's initial state for <paramref name="parameterCount"/> parameters (0 buffers for a
    /// stateless link). The number of buffers must not depend on <paramref name="parameterCount"/>.</summary>
    /// <param name="parameterCount">Length of the flat parameter buffer.</param>
    OptimizerState CreateState(int parameterCount);

    /// <summary>Runs the link once.</summary>
    /// <param name="updates">The update u, as long as the parameters: transformed in place (unless the role says the
    /// link changes θ only).</param>
    /// <param name="state">The state from <see cref="CreateState"/>, updated in place.</param>
    /// <param name="parameters">The parameters θ: changed in place only by the roles that change θ.</param>
    /// <param name="step">The learning rate, the 1-based step number and the decayed-parameter count.</param>
    void Update(Span<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step);
}
