using MLNet.Mlp.Optimizers;

namespace MLNet.Mlp.Tests.Custom;

/// <summary>
/// A custom optimizer written against the public <see cref="IOptimizer"/> contract only:
/// sign-SGD, θ ← θ − η·sign(g) (Bernstein et al., 2018). No state. Reusable by other tests.
/// </summary>
public sealed class SignSgdOptimizer : IOptimizer
{
    /// <inheritdoc/>
    public string Name => "SignSgd";

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount) => new(0, parameterCount);

    /// <inheritdoc/>
    public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, OptimizerState state, in OptimizerStep step)
    {
        if (gradients.Length != parameters.Length) throw new ArgumentException("Gradient and parameter buffers differ in length.", nameof(gradients));
        float lr = step.LearningRate;
        for (int i = 0; i < parameters.Length; i++)
        {
            float g = gradients[i];
            parameters[i] -= g > 0f ? lr : g < 0f ? -lr : 0f;
        }
    }
}
