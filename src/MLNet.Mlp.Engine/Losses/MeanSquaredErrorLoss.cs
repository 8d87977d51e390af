using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Losses;

/// <summary>
/// Squared error with the ½ convention: ℓᵢ = ½‖aᵢ − yᵢ‖², so L = 1/(2m) Σᵢ‖aᵢ − yᵢ‖² and
/// ∂L/∂a = (a − y)/m. (PyTorch's <c>MSELoss</c> has no ½ and also averages over outputs; the minimizer is the same.)
/// Targets: [rows × columns]. For regression, with an identity output layer.
/// </summary>
public sealed class MeanSquaredErrorLoss : ILoss
{
    /// <inheritdoc/>
    public string Name => "MeanSquaredError";

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
            double rowLoss = 0;
            for (int j = r * columns, end = j + columns; j < end; j++)
            {
                float d = outputs[j] - targets[j];
                rowLoss += (double)d * d;
                outputGradient[j] = gradientScale * w * d;
            }
            total += w * 0.5 * rowLoss;
        }
        return total;
    }
}
