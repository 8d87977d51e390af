using MLNet.Mlp.Training;

namespace MLNet.Mlp.Fitting;

/// <summary>The one deep copy of a <see cref="TrainingState"/> the ML.NET layer makes (warm starts, the last good epoch).</summary>
internal static class TrainingStateCopy
{
    /// <summary>A copy sharing nothing mutable with <paramref name="state"/>.</summary>
    public static TrainingState Of(TrainingState state)
    {
        var copy = new TrainingState(state.Network.Clone())
        {
            OptimizerState = state.OptimizerState?.Clone(),
            OptimizerName = state.OptimizerName,
            Step = state.Step,
            EpochsCompleted = state.EpochsCompleted,
            ScheduleState = (double[]?)state.ScheduleState?.Clone(),
        };
        copy.History.AddRange(state.History);
        return copy;
    }
}
