namespace MLNet.Mlp.Optimizers;

/// <summary>
/// A transformation of the gradient applied before the optimizer's update rule, composable with any optimizer:
/// clipping by value, clipping by global norm, L2 regularization. Transforms run in the order given
/// (<see cref="Training.TrainingOptions.GradientTransforms"/>), before the trainer checks the gradient for divergence.
/// </summary>
/// <remarks>
/// The built-in transforms are chain links too (<see cref="IGradientTransformation"/>) with a declared role; a
/// transform of your own joins a chain through <see cref="GradientTransformLink"/>, with the role
/// <see cref="TransformationRole.Other"/>.
/// </remarks>
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
