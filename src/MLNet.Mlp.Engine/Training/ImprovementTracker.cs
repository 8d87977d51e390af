namespace MLNet.Mlp.Training;

/// <summary>
/// What a monitored value has done so far: the best value and how many reports since it have not improved on it.
/// The rule it is judged by is an <see cref="ImprovementCriterion"/>, passed to each call, so the tracker is plain
/// state that a training state can carry and a checkpoint can save.
/// </summary>
/// <example>
/// Early stopping in a hand-written loop:
/// <code>
/// var criterion = new ImprovementCriterion(PlateauMode.Min, 0, PlateauThresholdMode.Absolute, patience: 4);
/// var tracker = new ImprovementTracker();
/// foreach (var epoch in epochs)
/// {
///     if (tracker.Report(ValidationLoss(), criterion)) SaveWeights();
///     else if (tracker.IsPatienceExhausted(criterion)) break;
/// }
/// </code>
/// </example>
public sealed class ImprovementTracker
{
    /// <summary>Starts with no best value (NaN): the first value that is not NaN is an improvement.</summary>
    public ImprovementTracker() : this(double.NaN, 0) { }

    /// <summary>Starts from a given best value and count, e.g. to resume.</summary>
    /// <param name="best">The best value so far; NaN means none yet.</param>
    /// <param name="reportsWithoutImprovement">Consecutive reports without improvement so far, ≥ 0.</param>
    public ImprovementTracker(double best, int reportsWithoutImprovement)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(reportsWithoutImprovement);
        Best = best;
        ReportsWithoutImprovement = reportsWithoutImprovement;
    }

    /// <summary>The best value reported so far (or the starting value; NaN for none).</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive reports that did not improve on <see cref="Best"/>.</summary>
    public int ReportsWithoutImprovement { get; private set; }

    /// <summary>Records <paramref name="value"/>: an improvement becomes the best and resets the count, anything else
    /// adds one to it.</summary>
    /// <param name="value">The monitored value of this report.</param>
    /// <param name="criterion">What counts as an improvement.</param>
    /// <returns>True when <paramref name="value"/> improved on the best.</returns>
    public bool Report(double value, ImprovementCriterion criterion)
    {
        ArgumentNullException.ThrowIfNull(criterion);
        if (criterion.IsImprovement(value, Best))
        {
            Best = value;
            ReportsWithoutImprovement = 0;
            return true;
        }
        ReportsWithoutImprovement++;
        return false;
    }

    /// <summary>True when more reports without improvement have come than <paramref name="criterion"/> tolerates.</summary>
    /// <param name="criterion">The rule whose patience applies.</param>
    public bool IsPatienceExhausted(ImprovementCriterion criterion)
    {
        ArgumentNullException.ThrowIfNull(criterion);
        return criterion.IsPatienceExhausted(ReportsWithoutImprovement);
    }

    /// <summary>Sets the count of reports without improvement back to 0, keeping the best (after acting on a
    /// plateau, or during a cooldown).</summary>
    public void RestartPatience() => ReportsWithoutImprovement = 0;

    /// <summary>A copy that evolves independently.</summary>
    public ImprovementTracker Clone() => new(Best, ReportsWithoutImprovement);
}
