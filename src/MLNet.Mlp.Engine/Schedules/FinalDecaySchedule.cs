namespace MLNet.Mlp.Schedules;

/// <summary>
/// A constant rate that falls linearly to zero over the last steps before a known end:
/// η_t = η₀ for t &lt; <see cref="DecayStart"/>, then η₀ · (<see cref="End"/> − t) / (<see cref="End"/> − <see cref="DecayStart"/>),
/// and never less than the rate of the last step before <see cref="End"/>. The schedule of a run cut off by a step limit
/// (the "stable, then decay" shape): constant-rate Adam ends wherever its noise has taken the weights, while a short
/// decay at the end settles them into the minimum they circle. A run that stops before the decay starts is trained
/// exactly as with <see cref="ConstantSchedule"/>. Counted in steps.
/// </summary>
internal sealed class FinalDecaySchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="decayStart">The first step of the decay; non-negative.</param>
    /// <param name="end">The step at which the rate would reach zero; greater than <paramref name="decayStart"/>.</param>
    public FinalDecaySchedule(long decayStart, long end)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decayStart);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(end, decayStart);
        DecayStart = decayStart;
        End = end;
    }

    /// <summary>The first step whose rate is below η₀.</summary>
    public long DecayStart { get; }

    /// <summary>The step at which the rate would reach zero.</summary>
    public long End { get; }

    /// <inheritdoc/>
    public string Name => "FinalDecay";

    /// <summary>
    /// The decay over the last <see cref="Training.TrainingDefaults.FinalDecayFraction"/> of the steps a run until
    /// converged may take: the limit is reached after the epoch in which <paramref name="convergence"/>'s step limit
    /// falls, or after its epoch limit, whichever is sooner, and the decay ends there.
    /// </summary>
    /// <param name="convergence">The run's limits.</param>
    /// <param name="rows">Training rows; positive.</param>
    /// <param name="batchSize">Rows per step; positive.</param>
    /// <param name="firstStep">The step count the run starts from (non-zero when a model is continued).</param>
    internal static FinalDecaySchedule AtLimitOf(Training.ConvergenceCriterion convergence, int rows, int batchSize, long firstStep)
    {
        long stepsPerEpoch = (rows + (long)batchSize - 1) / batchSize;
        long epochsAtStepLimit = (convergence.MaximumNumberOfSteps + stepsPerEpoch - 1) / stepsPerEpoch;
        long length = Math.Min(convergence.MaximumNumberOfEpochs, epochsAtStepLimit) * stepsPerEpoch;
        long decay = Math.Max((long)Math.Round(Training.TrainingDefaults.FinalDecayFraction * length), 1);
        return new FinalDecaySchedule(firstStep + length - decay, firstStep + length);
    }

    /// <inheritdoc/>
    public float GetLearningRate(float baseLearningRate, long t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        if (t < DecayStart) return baseLearningRate;
        long remaining = Math.Max(End - t, 1);
        return (float)((double)baseLearningRate * remaining / (End - DecayStart));
    }
}
