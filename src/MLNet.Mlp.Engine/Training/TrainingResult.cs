namespace MLNet.Mlp.Training;

/// <summary>The outcome of one <c>NetworkTrainer.Fit</c> call.</summary>
/// <param name="History">The epochs of this call (the full history is in <see cref="TrainingState.History"/>).</param>
/// <param name="StopReason">Why training ended.</param>
/// <param name="BestEpoch">With early stopping, the epoch whose monitored value was best; else null.</param>
/// <param name="RestoredBestWeights">True when the network was reset to <paramref name="BestEpoch"/>'s weights.</param>
public sealed record TrainingResult(IReadOnlyList<EpochRecord> History, StopReason StopReason, int? BestEpoch, bool RestoredBestWeights)
{
    /// <summary>The weighted mean loss of the run's first batch, computed before its update: the loss of the weights the
    /// run started from, against which a loss that rose by orders of magnitude shows. Null when no step was taken.</summary>
    public double? FirstBatchLoss { get; init; }

    /// <summary>True when a run with validation data that trained until converged stopped because its training loss
    /// converged (<see cref="ConvergenceCriterion"/>), not its validation loss.</summary>
    public bool ConvergedOnTrainingLoss { get; init; }
}
