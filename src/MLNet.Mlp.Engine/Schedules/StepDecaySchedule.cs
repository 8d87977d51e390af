using MLNet.Mlp.Optimizers;

namespace MLNet.Mlp.Schedules;

/// <summary>
/// Step decay: η_t = η₀ · γ^⌊t / k⌋, the rate drops by the factor γ every k epochs (or steps)
/// (<c>torch.optim.lr_scheduler.StepLR</c>, closed form).
/// </summary>
/// <remarks>Computed in double and rounded once.</remarks>
public sealed class StepDecaySchedule : ILearningRateSchedule
{
    private readonly double _gamma;

    /// <summary>Creates a step-decay schedule.</summary>
    /// <param name="stepSize">k ≥ 1, the number of epochs (or steps) between drops.</param>
    /// <param name="gamma">γ in (0, 1], the drop factor.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the message names it.</exception>
    public StepDecaySchedule(int stepSize, float gamma)
    {
        if (stepSize < 1) throw HyperParameter.Invalid(nameof(stepSize), stepSize, ">= 1");
        if (!(gamma > 0f && gamma <= 1f)) throw HyperParameter.Invalid(nameof(gamma), gamma, "in (0, 1]");
        StepSize = stepSize;
        Gamma = gamma;
        _gamma = HyperParameter.AsWritten(gamma);
    }

    /// <summary>k, the number of epochs (or steps) between drops.</summary>
    public int StepSize { get; }

    /// <summary>γ, the drop factor.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    public string Name => "StepDecay";

    /// <inheritdoc/>
    public float GetLearningRate(float baseLearningRate, long t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        return (float)(baseLearningRate * Math.Pow(_gamma, t / StepSize));
    }
}
