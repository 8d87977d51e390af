using MLNet.Mlp.Schedules;

namespace MLNet.Mlp.Tests.Custom;

/// <summary>
/// A custom schedule written against the public <see cref="ILearningRateSchedule"/> contract only: Smith's triangular
/// cyclical learning rate, rising linearly from minFactor·η₀ at t = 0 to η₀ at t = k and back down at t = 2k, repeating.
/// η_t = η₀ (m + (1 − m)(1 − |t mod 2k − k| / k)). Reusable by other tests.
/// </summary>
public sealed class TriangularCyclicSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="halfCycle">k ≥ 1, the steps (or epochs) from the bottom to the top.</param>
    /// <param name="minFactor">m in [0, 1], the bottom as a fraction of η₀.</param>
    public TriangularCyclicSchedule(long halfCycle, float minFactor = 0.1f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(halfCycle, 1);
        if (!(minFactor >= 0f && minFactor <= 1f)) throw new ArgumentOutOfRangeException(nameof(minFactor), minFactor, "Invalid minFactor (must be in [0, 1])");
        HalfCycle = halfCycle;
        MinFactor = minFactor;
    }

    /// <summary>k, the half period.</summary>
    public long HalfCycle { get; }

    /// <summary>m, the bottom as a fraction of η₀.</summary>
    public float MinFactor { get; }

    /// <inheritdoc/>
    public string Name => "TriangularCyclic";

    /// <inheritdoc/>
    public float GetLearningRate(float baseLearningRate, long t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        double position = t % (2 * HalfCycle);
        double height = 1.0 - Math.Abs(position - HalfCycle) / HalfCycle;
        return (float)(baseLearningRate * (MinFactor + (1.0 - MinFactor) * height));
    }
}
