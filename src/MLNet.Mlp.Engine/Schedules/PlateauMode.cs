namespace MLNet.Mlp.Schedules;

/// <summary>Whether a monitored quantity should go down or up (<see cref="ReduceOnPlateauSchedule"/>, <see cref="Training.ImprovementCriterion"/>).</summary>
public enum PlateauMode
{
    /// <summary>Lower is better (a loss).</summary>
    Min,

    /// <summary>Higher is better (an accuracy).</summary>
    Max,
}
