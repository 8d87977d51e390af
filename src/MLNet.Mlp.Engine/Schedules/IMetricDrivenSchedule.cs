namespace MLNet.Mlp.Schedules;

/// <summary>
/// A schedule that also reacts to a monitored quantity reported once per epoch (the validation loss or metric
/// when there is validation data, else the training loss), such as reduce-on-plateau. Its state round-trips
/// through <see cref="GetState"/>/<see cref="SetState"/> so that resumed training matches uninterrupted training.
/// </summary>
public interface IMetricDrivenSchedule : ILearningRateSchedule
{
    /// <summary>Reports the monitored value at the end of an epoch.</summary>
    /// <param name="value">The monitored value.</param>
    void Report(double value);

    /// <summary>Forgets everything reported (called at the start of every new training run).</summary>
    void Reset();

    /// <summary>The schedule's mutable state.</summary>
    double[] GetState();

    /// <summary>Restores a state from <see cref="GetState"/>.</summary>
    /// <param name="state">A state produced by the same kind of schedule.</param>
    void SetState(double[] state);
}
