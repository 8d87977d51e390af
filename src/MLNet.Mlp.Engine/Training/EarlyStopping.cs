namespace MLNet.Mlp.Training;

/// <summary>
/// Early stopping in Keras's vocabulary: stop when the monitored quantity has not improved by more than
/// <see cref="MinDelta"/> for <see cref="Patience"/> epochs, optionally restoring the best epoch's weights.
/// The state resets at the start of every training run.
/// </summary>
public sealed class EarlyStopping
{
    /// <summary>The watched quantity. Default <see cref="MonitoredQuantity.Loss"/>.</summary>
    public MonitoredQuantity Monitor { get; init; } = MonitoredQuantity.Loss;

    /// <summary>Epochs without improvement before stopping; at least 1. Default 5.</summary>
    public int Patience { get; init; } = 5;

    /// <summary>Smallest change that counts as an improvement; non-negative. Default 0.</summary>
    public double MinDelta { get; init; }

    /// <summary>Restore the weights of the best epoch when training ends. Default true.</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>Epochs of each training run that are not monitored at all (warm-up, as Keras's <c>start_from_epoch</c>):
    /// neither their values nor their lack of improvement count. Default 0.</summary>
    public int StartFromEpoch { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Patience < 1) throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "Early-stopping patience must be at least 1 epoch.");
        if (!(MinDelta >= 0) || double.IsInfinity(MinDelta)) throw new ArgumentOutOfRangeException(nameof(MinDelta), MinDelta, "Early-stopping MinDelta must be finite and non-negative.");
        if (StartFromEpoch < 0) throw new ArgumentOutOfRangeException(nameof(StartFromEpoch), StartFromEpoch, "Early-stopping StartFromEpoch must be non-negative.");
    }
}
