using MLNet.Mlp.Tasks;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Fitting;

/// <summary>
/// One run of the engine's training loop, reported epoch by epoch. A divergence surfaces as an
/// <see cref="MlpTrainingDivergedException"/> holding the model of the last completed epoch: the engine only promises
/// finite weights, which may be mid-epoch.
/// </summary>
internal static class NetworkTraining
{
    /// <summary>Trains <paramref name="state"/> in place and returns why the run ended.</summary>
    /// <param name="state">The network and training state to continue.</param>
    /// <param name="training">The training examples.</param>
    /// <param name="validation">The validation examples, or null.</param>
    /// <param name="options">The trainer's options.</param>
    /// <param name="head">The task.</param>
    /// <param name="reporter">Reports each epoch, the divergence and why training stopped.</param>
    /// <param name="toModel">Makes a model of a training state (for the last good epoch) and its stop reason.</param>
    public static StopReason Run(TrainingState state, TrainingData training, TrainingData? validation, MlpOptionsBase options, MlpTaskHead head,
        TrainingReporter reporter, Func<TrainingState, StopReason, MlpModelParameters> toModel)
    {
        // The state after the last completed epoch (or the warm-start model).
        var lastGood = state.EpochsCompleted > 0 ? state.Clone() : null;
        var engineOptions = EngineTrainingOptions.From(options, head, training.Rows, record =>
        {
            // Dropped before the new copy is made, so that this copy and the next never need memory at once.
            lastGood = null;
            lastGood = state.Clone();
            reporter.Epoch(record);
        });
        TrainingResult result;
        try
        {
            result = NetworkTrainer.Fit(state, training, validation, engineOptions);
        }
        catch (TrainingDivergedException e)
        {
            var wrapped = new MlpTrainingDivergedException(e, lastGood != null ? toModel(lastGood, StopReason.Diverged) : null, lastGood?.EpochsCompleted ?? 0);
            reporter.Diverged(wrapped);
            throw wrapped;
        }
        reporter.Stopped(result, state, engineOptions);
        return result.StopReason;
    }
}
