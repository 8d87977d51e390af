using MLNet.Mlp.Losses;

namespace MLNet.Mlp.Tests.GradientChecking;

/// <summary>
/// ℓᵢ = Σ_k t_ik·a_ik: a "loss" whose targets are the fixed random coefficients c of the probe objective
/// L = Σ c_ij·y_ij, so that <c>Network.Backward</c> back-propagates exactly ∂L/∂y = c through every layer.
/// </summary>
internal sealed class LinearProbeLoss : ILoss
{
    public string Name => "LinearProbe";

    public double Compute(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights,
        Span<float> outputGradient, int columns, float gradientScale)
    {
        double total = 0;
        for (int i = 0; i < outputs.Length; i++)
        {
            float w = weights.IsEmpty ? 1f : weights[i / columns];
            total += (double)w * targets[i] * outputs[i];
            outputGradient[i] = gradientScale * w * targets[i];
        }
        return total;
    }
}
