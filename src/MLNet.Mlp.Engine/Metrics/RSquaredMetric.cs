namespace MLNet.Mlp.Metrics;

/// <summary>Coefficient of determination R² = 1 − SS_res/SS_tot, averaged over outputs (weighted).</summary>
public sealed class RSquaredMetric : IMetric
{
    /// <inheritdoc/>
    public string Name => "RSquared";

    /// <inheritdoc/>
    public bool HigherIsBetter => true;

    /// <inheritdoc/>
    public double Compute(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights, int columns)
    {
        int rows = outputs.Length / columns;
        if (rows == 0) return double.NaN;
        double sum = 0;
        for (int k = 0; k < columns; k++)
        {
            double wSum = 0, mean = 0;
            for (int r = 0; r < rows; r++) { double w = weights.IsEmpty ? 1 : weights[r]; wSum += w; mean += w * targets[r * columns + k]; }
            mean /= wSum;
            double ssRes = 0, ssTot = 0;
            for (int r = 0; r < rows; r++)
            {
                double w = weights.IsEmpty ? 1 : weights[r];
                double y = targets[r * columns + k];
                ssRes += w * (y - outputs[r * columns + k]) * (y - outputs[r * columns + k]);
                ssTot += w * (y - mean) * (y - mean);
            }
            sum += ssTot > 0 ? 1 - ssRes / ssTot : (ssRes == 0 ? 1 : double.NegativeInfinity);
        }
        return sum / columns;
    }
}
