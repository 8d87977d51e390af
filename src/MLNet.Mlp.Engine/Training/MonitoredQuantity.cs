namespace MLNet.Mlp.Training;

/// <summary>The per-epoch number that early stopping and reduce-on-plateau watch.</summary>
public enum MonitoredQuantity
{
    /// <summary>Validation loss when there is validation data, else training loss (lower is better).</summary>
    Loss,

    /// <summary>The validation metric when there is validation data, else the training metric (its own direction).</summary>
    Metric,
}
