namespace MLNet.Mlp.Metrics;

/// <summary>
/// Weighted fraction of correct predictions. With several outputs the prediction is the arg-max and the target a
/// class index ([rows × 1]) or a distribution whose arg-max is the class; with one output (sigmoid probability) the
/// prediction is output &gt; 0.5 against target &gt; 0.5.
/// </summary>
public sealed class AccuracyMetric : IMetric
{
    /// <inheritdoc/>
    public string Name => "Accuracy";

    /// <inheritdoc/>
    public bool HigherIsBetter => true;

    /// <inheritdoc/>
    public double Compute(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights, int columns)
    {
        int rows = outputs.Length / columns;
        if (rows == 0) return double.NaN;
        int targetWidth = targets.Length / rows;
        double correct = 0, total = 0;
        for (int r = 0; r < rows; r++)
        {
            double w = weights.IsEmpty ? 1.0 : weights[r];
            bool hit;
            if (columns == 1)
                hit = outputs[r] > 0.5f == targets[r * targetWidth] > 0.5f;
            else
            {
                int predicted = ArgMax(outputs.Slice(r * columns, columns));
                int actual = targetWidth == 1 ? (int)targets[r] : ArgMax(targets.Slice(r * targetWidth, targetWidth));
                hit = predicted == actual;
            }
            if (hit) correct += w;
            total += w;
        }
        return total > 0 ? correct / total : double.NaN;
    }

    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
