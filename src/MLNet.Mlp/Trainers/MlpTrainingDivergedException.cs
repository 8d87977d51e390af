using MLNet.Mlp.Training;

namespace MLNet.Mlp.Trainers;

/// <summary>
/// An MLP trainer's <c>Fit</c> stopped because the loss, a gradient or the weights became NaN or infinite (see
/// <see cref="TrainingDivergedException"/>, which it derives from and wraps). <see cref="LastGoodModel"/> holds the
/// model as it was after the last completed epoch — weights, batch-norm statistics, optimizer state and history — so it
/// can be used, saved, or continued with a lower learning rate or gradient clipping:
/// <c>trainer.Fit(data, exception.LastGoodModel)</c>.
/// </summary>
public sealed class MlpTrainingDivergedException : TrainingDivergedException
{
    internal MlpTrainingDivergedException(TrainingDivergedException inner, MlpModelParameters? lastGoodModel, int lastGoodEpoch)
        : base(inner.Message + (lastGoodModel != null
            ? $" LastGoodModel holds the model after epoch {lastGoodEpoch}; use it as it is, or continue from it with a lower LearningRate or GradientClipNorm (trainer.Fit(data, exception.LastGoodModel))."
            : " No epoch completed before the failure, so there is no LastGoodModel."), inner)
    {
        LastGoodModel = lastGoodModel;
        LastGoodEpoch = lastGoodModel != null ? lastGoodEpoch : null;
    }

    /// <summary>The epoch (counted over all warm-started runs) whose model <see cref="LastGoodModel"/> holds; null when there is none.</summary>
    public int? LastGoodEpoch { get; }

    /// <summary>The model after the last completed epoch (or the warm-start model, when the first epoch of this run
    /// diverged); null when no epoch had completed.</summary>
    public MlpModelParameters? LastGoodModel { get; }
}
