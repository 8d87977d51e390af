using MLNet.Mlp.Schedules;
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
        // On divergence the engine puts the last completed epoch (or the warm-start state) back into the state, so the
        // diverged model is made from the state itself: no second copy of every parameter and moment is kept. (Lazy
        // sparse training keeps no copy at all: its steps never write a non-finite weight, and the state is that of
        // the last finite step.)
        TrainingResult result;
        var engineOptions = EngineTrainingOptions.From(options, head, training.Rows, training.SparseFeatures != null ? training.FeatureCount : null, state.Step, reporter.Epoch, reporter.Progress);
        if (training.SparseFeatures != null && !LazyFirstLayerUpdate.Supports(engineOptions.Optimizer, engineOptions.GradientTransforms, out string why))
            reporter.DenseSparseUpdates(why);
        try
        {
            result = NetworkTrainer.Fit(state, training, validation, engineOptions);
        }
        catch (TrainingDivergedException e)
        {
            bool hasModel = state.EpochsCompleted > 0;
            var wrapped = new MlpTrainingDivergedException(e, hasModel ? toModel(state, StopReason.Diverged) : null, hasModel ? state.EpochsCompleted : 0);
            reporter.Diverged(wrapped);
            throw wrapped;
        }
        // The final decay starts at four fifths of the limit: a run still training then had not converged at the
        // constant rate, and its loss levelling off as the rate falls is the limit's doing, not convergence.
        if (result.StopReason == StopReason.Converged && engineOptions.Schedule is FinalDecaySchedule decay && state.Step > decay.DecayStart)
            result = result with { StopReason = StopReason.ReachedLimit };
        reporter.Stopped(result, state, engineOptions);
        return result.StopReason;
    }
}
