using MLNet.Mlp.Optimizers;

namespace MLNet.Mlp.Schedules;

/// <summary>
/// Cosine annealing (Loshchilov and Hutter's SGDR without restarts):
/// η_t = η_min + ½ (η₀ − η_min)(1 + cos(π · min(t, T) / T)).
/// </summary>
/// <remarks>
/// The rate falls from η₀ at t = 0 to η_min at t = T and then stays at η_min (like optax's
/// <c>cosine_decay_schedule</c> and Keras's <c>CosineDecay</c>). PyTorch's <c>CosineAnnealingLR</c> keeps following
/// the cosine after T and climbs back up; this schedule does not. Put a <see cref="WarmupSchedule"/> in front for
/// warm-up then cosine. Computed in double and rounded once.
/// </remarks>
public sealed class CosineAnnealingSchedule : ILearningRateSchedule
{
    /// <summary>Creates a cosine-annealing schedule.</summary>
    /// <param name="period">T ≥ 1, the number of epochs (or steps) from η₀ down to η_min.</param>
    /// <param name="minLearningRate">η_min ≥ 0, the floor reached at T. Default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the message names it.</exception>
    public CosineAnnealingSchedule(long period, float minLearningRate = 0f)
    {
        if (period < 1) throw HyperParameter.Invalid(nameof(period), period, ">= 1");
        HyperParameter.NonNegative(minLearningRate, nameof(minLearningRate));
        Period = period;
        MinLearningRate = minLearningRate;
    }

    /// <summary>T, the length of the decay.</summary>
    public long Period { get; }

    /// <summary>η_min, the final rate.</summary>
    public float MinLearningRate { get; }

    /// <inheritdoc/>
    public string Name => "CosineAnnealing";

    /// <inheritdoc/>
    public float GetLearningRate(float baseLearningRate, long t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        double min = MinLearningRate;
        double progress = (double)Math.Min(t, Period) / Period;
        return (float)(min + 0.5 * (baseLearningRate - min) * (1.0 + Math.Cos(Math.PI * progress)));
    }
}
