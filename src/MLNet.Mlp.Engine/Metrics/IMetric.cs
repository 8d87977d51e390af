namespace MLNet.Mlp.Metrics;

/// <summary>A quality measure over a whole set of network outputs, reported per epoch and usable for early stopping.</summary>
public interface IMetric
{
    /// <summary>A short, stable name ("Accuracy").</summary>
    string Name { get; }

    /// <summary>True when larger values are better.</summary>
    bool HigherIsBetter { get; }

    /// <summary>Computes the metric.</summary>
    /// <param name="outputs">Network outputs, [rows × columns].</param>
    /// <param name="targets">Targets, [rows × targetWidth].</param>
    /// <param name="weights">Empty, or one weight per row.</param>
    /// <param name="columns">Output width.</param>
    double Compute(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights, int columns);
}
