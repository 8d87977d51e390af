namespace MLNet.Mlp.Optimizers;

/// <summary>Adam (stub until the optimizer branch lands).</summary>
public sealed class AdamOptimizer : IOptimizer
{
    /// <inheritdoc/>
    public string Name => "Adam";

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount) => new(2, parameterCount);

    /// <inheritdoc/>
    public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, OptimizerState state, in OptimizerStep step)
    {
        var m = state.Buffer(0);
        var v = state.Buffer(1);
        double c1 = 1 - Math.Pow(0.9, step.Step), c2 = 1 - Math.Pow(0.999, step.Step);
        for (int i = 0; i < parameters.Length; i++)
        {
            m[i] = 0.9f * m[i] + 0.1f * gradients[i];
            v[i] = 0.999f * v[i] + 0.001f * gradients[i] * gradients[i];
            parameters[i] -= (float)(step.LearningRate * (m[i] / c1) / (Math.Sqrt(v[i] / c2) + 1e-8));
        }
    }
}
