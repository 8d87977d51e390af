using MLNet.Mlp.Optimizers;

namespace MLNet.Mlp.Schedules;

/// <summary>Inverse-time decay: η_t = η₀ / (1 + λ t).</summary>
/// <remarks>
/// Keras's <c>InverseTimeDecay</c> with decay_steps = 1; PyTorch Adagrad's <c>lr_decay</c> is the same law.
/// Computed in double and rounded once.
/// </remarks>
public sealed class InverseTimeDecaySchedule : ILearningRateSchedule
{
    private readonly double _lambda;

    /// <summary>Creates an inverse-time-decay schedule.</summary>
    /// <param name="lambda">λ ≥ 0, the decay rate per epoch (or step).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lambda"/> is out of range; the message names it.</exception>
    public InverseTimeDecaySchedule(float lambda)
    {
        HyperParameter.NonNegative(lambda, nameof(lambda));
        Lambda = lambda;
        _lambda = HyperParameter.AsWritten(lambda);
    }

    /// <summary>λ, the decay rate.</summary>
    public float Lambda { get; }

    /// <inheritdoc/>
    public string Name => "InverseTimeDecay";

    /// <inheritdoc/>
    public float GetLearningRate(float baseLearningRate, long t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        return (float)(baseLearningRate / (1.0 + _lambda * t));
    }
}
