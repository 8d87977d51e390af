namespace MLNet.Mlp.Training;

/// <summary>
/// Training produced a NaN or infinite loss or gradient. The update that would have used it is not applied; if the
/// weights themselves had already become non-finite, the network is restored to the end of the last completed
/// epoch, so the network is always left finite.
/// </summary>
/// <remarks>The ML.NET trainers throw the derived <c>MlpTrainingDivergedException</c>, which adds the model of the
/// last completed epoch; catching this type catches both.</remarks>
public class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="epoch">1-based epoch.</param>
    /// <param name="step">1-based step within the epoch.</param>
    /// <param name="learningRate">The learning rate at that step.</param>
    /// <param name="what">What was not finite ("loss", "gradient").</param>
    /// <param name="restoredToEpoch">The epoch whose weights the network now holds, when they had to be restored.</param>
    public TrainingDivergedException(int epoch, int step, float learningRate, string what, int? restoredToEpoch)
        : base($"Training diverged at epoch {epoch}, step {step}: the {what} is NaN or infinite (learning rate {learningRate:G4}). "
               + "Try a lower learning rate, gradient clipping (ClipByGlobalNorm) or normalized features."
               + (restoredToEpoch is int e ? (e == 0 ? " The network was restored to its initial weights." : $" The network was restored to the weights after epoch {e}.") : " The network keeps the weights from before that step."))
    {
        Epoch = epoch;
        Step = step;
        LearningRate = learningRate;
        RestoredToEpoch = restoredToEpoch;
    }

    /// <summary>Wraps <paramref name="inner"/> with a longer message, keeping its epoch, step and learning rate.</summary>
    /// <param name="message">The message.</param>
    /// <param name="inner">The engine's exception.</param>
    protected TrainingDivergedException(string message, TrainingDivergedException inner)
        : base(message, inner ?? throw new ArgumentNullException(nameof(inner)))
    {
        Epoch = inner.Epoch;
        Step = inner.Step;
        LearningRate = inner.LearningRate;
        RestoredToEpoch = inner.RestoredToEpoch;
    }

    /// <summary>1-based epoch of the failure.</summary>
    public int Epoch { get; }

    /// <summary>1-based step within the epoch.</summary>
    public int Step { get; }

    /// <summary>The learning rate at the failing step.</summary>
    public float LearningRate { get; }

    /// <summary>The epoch whose weights were restored, or null when no restore was needed.</summary>
    public int? RestoredToEpoch { get; }
}
