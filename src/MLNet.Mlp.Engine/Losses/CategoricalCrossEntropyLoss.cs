using System.Runtime.CompilerServices;
using MLNet.Mlp.Activations;

namespace MLNet.Mlp.Losses;

/// <summary>
/// Categorical cross-entropy ℓᵢ = −Σ_k y_ik log a_ik. Targets are either one class index per row
/// ([rows × 1], "sparse" as in Keras's <c>sparse_categorical_crossentropy</c>) or a distribution per row
/// ([rows × columns], e.g. one-hot). Fused with a softmax output it is computed from the logits as
/// (Σ_k y_k)·logsumexp(z) − Σ_k y_k z_k, and the output delta is (Σ_k y_k)·a − y, i.e. A − Y for one-hot targets.
/// </summary>
public sealed class CategoricalCrossEntropyLoss : ILoss
{
    // Only the unfused path needs it: a probability that underflowed to 0 would give log(0).
    private const float Epsilon = 1e-7f;

    /// <inheritdoc/>
    public string Name => "CategoricalCrossEntropy";

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Compute(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights,
        Span<float> outputGradient, int columns, float gradientScale)
    {
        int rows = LossShapes.Rows(outputs, columns, weights);
        bool sparse = IsSparse(targets, rows, columns);
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            float w = LossShapes.Weight(weights, r);
            int o = r * columns;
            for (int k = 0; k < columns; k++)
            {
                float y = Target(targets, sparse, r, k, columns);
                float a = Math.Max(outputs[o + k], Epsilon);
                if (y != 0f) total -= w * y * Math.Log(a);
                outputGradient[o + k] = -gradientScale * w * y / a;
            }
        }
        return total;
    }

    /// <inheritdoc/>
    // Called every step: compiled optimized from the first call (see docs/jit-tiering.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryComputeFused(IActivation outputActivation, ReadOnlySpan<float> logits, ReadOnlySpan<float> outputs,
        ReadOnlySpan<float> targets, ReadOnlySpan<float> weights, Span<float> logitGradient, int columns,
        float gradientScale, out double loss)
    {
        loss = 0;
        if (outputActivation is not SoftmaxActivation) return false;
        int rows = LossShapes.Rows(logits, columns, weights);
        bool sparse = IsSparse(targets, rows, columns);
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            float w = LossShapes.Weight(weights, r);
            int o = r * columns;
            var z = logits.Slice(o, columns);
            float lse = StableMath.LogSumExp(z);
            float s = gradientScale * w;
            if (sparse)
            {
                int c = ClassIndex(targets[r], r, columns);
                total += w * ((double)lse - z[c]);
                for (int k = 0; k < columns; k++) logitGradient[o + k] = s * outputs[o + k];
                logitGradient[o + c] -= s;
            }
            else
            {
                float ySum = 0f;
                double rowLoss = 0;
                for (int k = 0; k < columns; k++)
                {
                    float y = targets[o + k];
                    ySum += y;
                    rowLoss += y * ((double)lse - z[k]);
                }
                total += w * rowLoss;
                for (int k = 0; k < columns; k++) logitGradient[o + k] = s * (ySum * outputs[o + k] - targets[o + k]);
            }
        }
        loss = total;
        return true;
    }

    private bool IsSparse(ReadOnlySpan<float> targets, int rows, int columns)
    {
        if (targets.Length == rows) return true;
        LossShapes.RequireTargetWidth(Name, targets, rows, columns);
        return false;
    }

    private static float Target(ReadOnlySpan<float> targets, bool sparse, int row, int k, int columns)
        => sparse ? (ClassIndex(targets[row], row, columns) == k ? 1f : 0f) : targets[row * columns + k];

    private static int ClassIndex(float target, int row, int columns)
    {
        int c = (int)target;
        if (c != target || c < 0 || c >= columns)
            throw new ArgumentException($"Row {row}: class index {target} is not an integer in [0, {columns - 1}].", "targets");
        return c;
    }
}
