using MLNet.Mlp.Optimizers;

namespace MLNet.Mlp.Schedules;

/// <summary>
/// Linear warm-up in front of any schedule: η rises linearly from s·η₀ at t = 0 to η₀ at t = W, then follows
/// <see cref="After"/> evaluated at t − W.
/// </summary>
/// <remarks>
/// <code>
/// t &lt; W:   η_t = η₀ (s + (1 − s) t / W)
/// t ≥ W:   η_t = after(η₀, t − W)
/// </code>
/// <para>The join is continuous when <c>after(η₀, 0) = η₀</c>, true of every built-in decay. With the default
/// start factor s = 0 the very first update has η = 0 (as optax's <c>linear_schedule</c> from 0; PyTorch's
/// <c>LinearLR</c> requires s &gt; 0). A <see cref="ReduceOnPlateauSchedule"/> inside a warm-up is never told the
/// monitored value, so it never reduces: make it the trainer's schedule and the warm-up its inner schedule instead.</para>
/// </remarks>
public sealed class WarmupSchedule : ILearningRateSchedule
{
    /// <summary>Creates a warm-up in front of <paramref name="after"/>.</summary>
    /// <param name="warmupLength">W ≥ 0, the epochs (or steps) of warm-up; 0 means no warm-up.</param>
    /// <param name="after">The schedule that follows, evaluated from 0 at t = W.</param>
    /// <param name="startFactor">s in [0, 1]: the fraction of η₀ at t = 0. Default 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="after"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the message names it.</exception>
    public WarmupSchedule(long warmupLength, ILearningRateSchedule after, float startFactor = 0f)
    {
        if (warmupLength < 0) throw HyperParameter.Invalid(nameof(warmupLength), warmupLength, ">= 0");
        ArgumentNullException.ThrowIfNull(after);
        HyperParameter.InUnitIntervalClosed(startFactor, nameof(startFactor));
        WarmupLength = warmupLength;
        After = after;
        StartFactor = startFactor;
    }

    /// <summary>W, the length of the warm-up.</summary>
    public long WarmupLength { get; }

    /// <summary>The schedule after the warm-up.</summary>
    public ILearningRateSchedule After { get; }

    /// <summary>s, the fraction of η₀ at t = 0.</summary>
    public float StartFactor { get; }

    /// <inheritdoc/>
    public string Name => $"Warmup({After.Name})";

    /// <inheritdoc/>
    public float GetLearningRate(float baseLearningRate, long t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        if (t >= WarmupLength) return After.GetLearningRate(baseLearningRate, t - WarmupLength);
        double s = StartFactor;
        return (float)(baseLearningRate * (s + (1.0 - s) * t / WarmupLength));
    }
}
