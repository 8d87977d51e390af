namespace MLNet.Mlp.Schedules;

/// <summary>η_t = η₀ (stub).</summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    /// <inheritdoc/>
    public string Name => "Constant";

    /// <inheritdoc/>
    public float GetLearningRate(float baseLearningRate, long t) => baseLearningRate;
}
