namespace MLNet.Mlp.Schedules;

/// <summary>Whether the quantity monitored by <see cref="ReduceOnPlateauSchedule"/> should go down or up.</summary>
public enum PlateauMode
{
    /// <summary>Lower is better (a loss).</summary>
    Min,

    /// <summary>Higher is better (an accuracy).</summary>
    Max,
}
