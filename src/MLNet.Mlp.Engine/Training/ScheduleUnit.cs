namespace MLNet.Mlp.Training;

/// <summary>What the time t of a learning-rate schedule counts.</summary>
public enum ScheduleUnit
{
    /// <summary>Completed epochs (usual for step, exponential and inverse-time decay).</summary>
    Epoch,

    /// <summary>Optimizer steps (usual for warm-up and cosine annealing).</summary>
    Step,
}
