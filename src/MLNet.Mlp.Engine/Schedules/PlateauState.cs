using MLNet.Mlp.Training;

namespace MLNet.Mlp.Schedules;

/// <summary>
/// What a <see cref="ReduceOnPlateauSchedule"/> has seen and done in one training: the best value and the count of
/// reports without improvement, the cooldown left, and the reductions so far. The schedule itself is immutable
/// settings; this state travels in <see cref="TrainingState.Plateau"/>, so one schedule can drive several trainings
/// and a checkpoint or warm start continues where the last run stopped.
/// </summary>
public sealed class PlateauState
{
    private const int ArrayLength = 5;

    /// <summary>Creates a state; <see cref="ReduceOnPlateauSchedule.CreateState"/> gives the one a training starts from.</summary>
    /// <param name="improvement">The best value so far and the reports without improvement since.</param>
    /// <param name="cooldownCounter">Reports left in the current cooldown, ≥ 0.</param>
    /// <param name="currentFactor">The product of the reductions so far, in [0, 1].</param>
    /// <param name="reductionCount">How many reductions have happened, ≥ 0.</param>
    /// <exception cref="ArgumentException">The best is NaN, or a value is out of range.</exception>
    public PlateauState(ImprovementTracker improvement, int cooldownCounter = 0, double currentFactor = 1.0, int reductionCount = 0)
    {
        ArgumentNullException.ThrowIfNull(improvement);
        if (double.IsNaN(improvement.Best)) throw new ArgumentException("A reduce-on-plateau state needs a best value that is a number (±∞ before the first report).", nameof(improvement));
        ArgumentOutOfRangeException.ThrowIfNegative(cooldownCounter);
        if (!(currentFactor >= 0 && currentFactor <= 1)) throw new ArgumentOutOfRangeException(nameof(currentFactor), currentFactor, "The reduction factor so far must be in [0, 1].");
        ArgumentOutOfRangeException.ThrowIfNegative(reductionCount);
        Improvement = improvement;
        CooldownCounter = cooldownCounter;
        CurrentFactor = currentFactor;
        ReductionCount = reductionCount;
    }

    /// <summary>The best value reported so far and the consecutive reports without improvement (PyTorch's bad epochs).</summary>
    public ImprovementTracker Improvement { get; }

    /// <summary>Reports left in the current cooldown.</summary>
    public int CooldownCounter { get; internal set; }

    /// <summary>The product f of the reductions so far (1 before the first).</summary>
    public double CurrentFactor { get; internal set; }

    /// <summary>How many reductions have happened.</summary>
    public int ReductionCount { get; internal set; }

    /// <summary>A copy that evolves independently.</summary>
    public PlateauState Clone() => new(Improvement.Clone(), CooldownCounter, CurrentFactor, ReductionCount);

    /// <summary>The state as the checkpoint stores it: [best, reports without improvement, cooldown counter, current
    /// factor, reduction count].</summary>
    public double[] ToArray() => [Improvement.Best, Improvement.ReportsWithoutImprovement, CooldownCounter, CurrentFactor, ReductionCount];

    /// <summary>Reads a state written by <see cref="ToArray"/>.</summary>
    /// <param name="values">Five values in the order of <see cref="ToArray"/>.</param>
    /// <exception cref="ArgumentException">The values are not a reduce-on-plateau state.</exception>
    public static PlateauState FromArray(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != ArrayLength)
            throw new ArgumentException($"A reduce-on-plateau state holds {ArrayLength} values, not {values.Length}.", nameof(values));
        if (!IsCount(values[1]) || !IsCount(values[2]) || !IsCount(values[4]) || !(values[3] >= 0 && values[3] <= 1) || double.IsNaN(values[0]))
            throw new ArgumentException("The reduce-on-plateau state is invalid.", nameof(values));
        return new PlateauState(new ImprovementTracker(values[0], (int)values[1]), (int)values[2], values[3], (int)values[4]);
    }

    private static bool IsCount(double value) => value >= 0 && value <= int.MaxValue && Math.Floor(value) == value;
}
