namespace MLNet.Mlp.Schedules;

/// <summary>The constant schedule: η_t = η₀ for every t.</summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    /// <summary>Creates the constant schedule.</summary>
    public ConstantSchedule()
    {
    }

    /// <inheritdoc/>
    public string Name => "Constant";

    /// <inheritdoc/>
    public float GetLearningRate(float baseLearningRate, long t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        return baseLearningRate;
    }
}
