namespace MLNet.Mlp.Optimizers;

/// <summary>
/// A transformation of the gradient applied before the optimizer's update rule, composable with any optimizer:
/// clipping by value, clipping by global norm, L2 regularization. Transforms run in the order given.
/// </summary>
public interface IGradientTransform
{
    /// <summary>A short, stable name.</summary>
    string Name { get; }

    /// <summary>Transforms <paramref name="gradients"/> in place.</summary>
    /// <param name="gradients">∇θ L, modified in place.</param>
    /// <param name="parameters">The current parameters θ (read-only).</param>
    /// <param name="step">The current step.</param>
    void Apply(Span<float> gradients, ReadOnlySpan<float> parameters, in OptimizerStep step);
}
