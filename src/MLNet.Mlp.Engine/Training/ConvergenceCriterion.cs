namespace MLNet.Mlp.Training;

/// <summary>
/// Training until converged, with limits: a run ends when the training loss — or, when there is validation data, the
/// training loss or the validation loss, whichever does so first — has not improved on its best by more than
/// <see cref="Tolerance"/> for <see cref="Patience"/> epochs in a row (<see cref="StopReason.Converged"/>), or when it has run
/// <see cref="MaximumNumberOfEpochs"/> epochs or <see cref="MaximumNumberOfSteps"/> optimizer steps
/// (<see cref="StopReason.ReachedLimit"/>), whichever comes first. The rule is scikit-learn's MLP stopping rule
/// (<c>tol</c>, <c>n_iter_no_change</c>, <c>max_iter</c>) with a step limit added so that large data sets stay fast
/// and a higher epoch limit so that small tables, which take few steps per epoch, can converge. Either loss settling
/// is reason to stop: a settled training loss means the optimizer has converged, a settled validation loss that
/// generalization has stopped improving (a wide model's training loss may instead wander at the noise of its last
/// steps for many epochs, and an easy task's validation loss may keep shrinking by more than the tolerance for
/// hundreds of epochs while the training loss has long converged).
/// </summary>
/// <remarks>The limits are checked after each epoch, so a run may exceed the step limit by less than one epoch.</remarks>
public sealed class ConvergenceCriterion
{
    /// <summary>The least decrease of the monitored loss below its best that counts as an improvement; non-negative
    /// and finite. Default 1e-4.</summary>
    public double Tolerance { get; init; } = TrainingDefaults.ConvergenceTolerance;

    /// <summary>Consecutive epochs without improvement that end the run; at least 1. Default 10.</summary>
    public int Patience { get; init; } = TrainingDefaults.ConvergencePatience;

    /// <summary>The most epochs the run may take; positive. Default 1,000.</summary>
    public int MaximumNumberOfEpochs { get; init; } = TrainingDefaults.MaximumNumberOfEpochs;

    /// <summary>The most optimizer steps the run may take (checked after each epoch); positive. Default 20,000.</summary>
    public long MaximumNumberOfSteps { get; init; } = TrainingDefaults.MaximumNumberOfSteps;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!(Tolerance >= 0) || double.IsInfinity(Tolerance)) throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "The convergence tolerance must be finite and non-negative.");
        if (Patience < 1) throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "The convergence patience must be at least 1 epoch.");
        if (MaximumNumberOfEpochs < 1) throw new ArgumentOutOfRangeException(nameof(MaximumNumberOfEpochs), MaximumNumberOfEpochs, "The maximum number of epochs must be positive.");
        if (MaximumNumberOfSteps < 1) throw new ArgumentOutOfRangeException(nameof(MaximumNumberOfSteps), MaximumNumberOfSteps, "The maximum number of steps must be positive.");
    }

    /// <summary>The improvement rule as reduce-on-plateau and early stopping state it: absolute threshold, lower is better;
    /// patience − 1 tolerated reports, so that the <see cref="Patience"/>-th epoch without improvement ends the run.</summary>
    internal ImprovementCriterion ToImprovementCriterion()
        => new(Schedules.PlateauMode.Min, Tolerance, Schedules.PlateauThresholdMode.Absolute, Patience - 1);
}
