namespace MLNet.Mlp.Schedules;

/// <summary>
/// A learning-rate schedule: a plain function of the time t (the epoch or the step, as the trainer's
/// <c>ScheduleUnit</c> says, counted from 0) and the base learning rate η₀.
/// </summary>
/// <remarks>Implement it in your own assembly for a custom schedule; it must be a pure function of its arguments.</remarks>
public interface ILearningRateSchedule
{
    /// <summary>A short, stable name.</summary>
    string Name { get; }

    /// <summary>η_t.</summary>
    /// <param name="baseLearningRate">η₀, the trainer's learning rate.</param>
    /// <param name="t">The epoch or step, counted from 0.</param>
    float GetLearningRate(float baseLearningRate, long t);
}
