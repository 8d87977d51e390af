using MLNet.Mlp.Optimizers;

namespace MLNet.Mlp.Schedules;

/// <summary>Exponential decay: η_t = η₀ · e^{−λ t}.</summary>
/// <remarks>
/// PyTorch's <c>ExponentialLR(gamma)</c> is the same schedule with γ = e^{−λ}; Keras's <c>ExponentialDecay</c>
/// writes η₀ · r^{t/s}. Computed in double and rounded once.
/// </remarks>
public sealed class ExponentialDecaySchedule : ILearningRateSchedule
{
    private readonly double _lambda;

    /// <summary>Creates an exponential-decay schedule.</summary>
    /// <param name="lambda">λ ≥ 0, the decay rate per epoch (or step).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lambda"/> is out of range; the message names it.</exception>
    public ExponentialDecaySchedule(float lambda)
    {
        HyperParameter.NonNegative(lambda, nameof(lambda));
        Lambda = lambda;
        _lambda = HyperParameter.AsWritten(lambda);
    }

    /// <summary>λ, the decay rate.</summary>
    public float Lambda { get; }

    /// <inheritdoc/>
    public string Name => "ExponentialDecay";

    /// <inheritdoc/>
    public float GetLearningRate(float baseLearningRate, long t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        return (float)(baseLearningRate * Math.Exp(-_lambda * t));
    }
}
