using System.Runtime.CompilerServices;
using MLNet.Mlp.Activations;

namespace MLNet.Mlp.Losses;

/// <summary>
/// Binary cross-entropy ℓᵢ = −Σ_k [y log a + (1−y) log(1−a)] over the row's outputs (one output for binary
/// classification, several for multi-label). Targets: [rows × columns] in [0, 1].
/// Fused with a sigmoid output it is computed from the logit as softplus(z) − y·z (no log of 0) and the
/// output delta is a − y.
/// </summary>
public sealed class BinaryCrossEntropyLoss : ILoss
{
    // Only the unfused path needs it: keeps log(0) out when a sigmoid saturated to exactly 0 or 1 in float.
    private const float Epsilon = 1e-7f;

    /// <inheritdoc/>
    public string Name => "BinaryCrossEntropy";

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Compute(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights,
        Span<float> outputGradient, int columns, float gradientScale)
    {
        int rows = LossShapes.Rows(outputs, columns, weights);
        LossShapes.RequireTargetWidth(Name, targets, rows, columns);
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            float w = LossShapes.Weight(weights, r);
            for (int j = r * columns, end = j + columns; j < end; j++)
            {
                float a = Math.Clamp(outputs[j], Epsilon, 1f - Epsilon);
                float y = targets[j];
                total -= w * (y * Math.Log(a) + (1 - y) * Math.Log(1 - a));
                outputGradient[j] = gradientScale * w * (a - y) / (a * (1 - a));
            }
        }
        return total;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryComputeFused(IActivation outputActivation, ReadOnlySpan<float> logits, ReadOnlySpan<float> outputs,
        ReadOnlySpan<float> targets, ReadOnlySpan<float> weights, Span<float> logitGradient, int columns,
        float gradientScale, out double loss)
    {
        loss = 0;
        if (outputActivation is not SigmoidActivation) return false;
        int rows = LossShapes.Rows(logits, columns, weights);
        LossShapes.RequireTargetWidth(Name, targets, rows, columns);
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            float w = LossShapes.Weight(weights, r);
            for (int j = r * columns, end = j + columns; j < end; j++)
            {
                float z = logits[j], y = targets[j];
                // −[y log σ(z) + (1−y) log(1−σ(z))] = −y·logσ(z) − (1−y)·logσ(−z)
                total -= w * (y * (double)StableMath.LogSigmoid(z) + (1 - y) * (double)StableMath.LogSigmoid(-z));
                logitGradient[j] = gradientScale * w * (outputs[j] - y);
            }
        }
        loss = total;
        return true;
    }
}
