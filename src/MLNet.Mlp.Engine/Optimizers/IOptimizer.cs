namespace MLNet.Mlp.Optimizers;

/// <summary>
/// A gradient-descent optimizer: a state initialization (<see cref="CreateState"/>) and an update rule
/// (<see cref="Update"/>), in the style of optax and <c>torch.optim</c>. All mutable state lives in the
/// <see cref="OptimizerState"/>, so checkpoints and warm starts only have to save that object.
/// </summary>
/// <remarks>
/// <para>The network keeps every trainable parameter in one flat buffer: the weight matrices first (the first
/// <see cref="OptimizerStep.DecayedCount"/> values, the ones weight decay and L2 apply to), then biases and
/// batch-norm scales and shifts.</para>
/// <para>Every built-in optimizer is a <see cref="GradientTransformationChain"/> of small links
/// (<see cref="IGradientTransformation"/>); to vary one, compose links. Implement this interface in your own assembly
/// for an optimizer written in one piece; it must be deterministic (no hidden state, no randomness outside the given
/// state). It trains like a built-in one and composes with links through <see cref="OptimizerLink"/> (as the last
/// link), but what it does inside is opaque to the chain's composition check.</para>
/// </remarks>
public interface IOptimizer
{
    /// <summary>A short, stable name.</summary>
    string Name { get; }

    /// <summary>Creates the zero state for <paramref name="parameterCount"/> parameters.</summary>
    /// <param name="parameterCount">Length of the flat parameter buffer.</param>
    OptimizerState CreateState(int parameterCount);

    /// <summary>Applies one update θ ← θ − … to <paramref name="parameters"/> in place.</summary>
    /// <param name="parameters">The flat parameter buffer θ.</param>
    /// <param name="gradients">∇θ L for this step (after clipping and L2 regularization).</param>
    /// <param name="state">The state from <see cref="CreateState"/>, updated in place.</param>
    /// <param name="step">The learning rate, the 1-based step number and the decayed-parameter count.</param>
    void Update(Span<float> parameters, ReadOnlySpan<float> gradients, OptimizerState state, in OptimizerStep step);
}
