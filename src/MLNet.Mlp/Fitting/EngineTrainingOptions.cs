using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Schedules;
using MLNet.Mlp.Tasks;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Fitting;

/// <summary>The translation of a trainer's options into the engine's <see cref="TrainingOptions"/>, in this one place.</summary>
internal static class EngineTrainingOptions
{
    /// <summary>The batch size of a run of <paramref name="options"/> on <paramref name="trainingRows"/> rows: the options'
    /// own, or the default for that many rows (<see cref="TrainingDefaults.BatchSizeFor"/>, which grows the batch of a
    /// run trained until converged on a large data set).</summary>
    /// <param name="options">The trainer's options.</param>
    /// <param name="trainingRows">The training rows; positive.</param>
    public static int BatchSizeOf(MlpOptionsBase options, int trainingRows)
        => options.BatchSize ?? TrainingDefaults.BatchSizeFor(trainingRows, ConvergenceOf(options));

    // No number of epochs: train until converged, with the engine's default rule and limits.
    private static ConvergenceCriterion? ConvergenceOf(MlpOptionsBase options) => options.NumberOfEpochs is null ? new ConvergenceCriterion() : null;

    /// <summary>The engine's settings for <paramref name="options"/> and the task's loss and metric.</summary>
    /// <param name="options">The trainer's options.</param>
    /// <param name="head">The task.</param>
    /// <param name="trainingRows">The training rows, which the default batch size depends on.</param>
    /// <param name="sparseFeatures">The feature count when the features are kept as sparse rows (a wide first layer then gets no default L2 penalty), else null.</param>
    /// <param name="epochCompleted">Runs after each epoch, before the user's <see cref="MlpOptionsBase.EpochCompleted"/>.</param>
    /// <param name="firstStep">The step count training starts from (that of a continued model, else 0).</param>
    /// <param name="progress">Reports how far a long epoch has come (every <see cref="MlpOptionsBase.ProgressInterval"/>), or null.</param>
    public static TrainingOptions From(MlpOptionsBase options, MlpTaskHead head, int trainingRows, int? sparseFeatures, long firstStep, Action<EpochRecord> epochCompleted,
        Action<EpochProgress>? progress = null)
    {
        var o = options;
        var convergence = ConvergenceOf(o);
        int batchSize = BatchSizeOf(o, trainingRows);
        // The default schedule of such a run decays over the end of its limit; a schedule set by the user is kept as is.
        var schedule = o.Schedule;
        var unit = o.ScheduleUnit;
        if (convergence != null && o.HasDefaultSchedule)
        {
            schedule = FinalDecaySchedule.AtLimitOf(convergence, trainingRows, batchSize, firstStep);
            unit = ScheduleUnit.Step;
        }
        var transforms = new List<IGradientTransform>();
        if (o.GradientClipValue is float clip) transforms.Add(new ClipByValue(clip));
        if (o.GradientClipNorm is float norm) transforms.Add(new ClipByGlobalNorm(norm));
        float l2 = MlpDefaults.L2RegularizationFor(o, trainingRows, sparseFeatures);
        if (l2 > 0f) transforms.Add(new L2Regularization(l2));
        IOptimizer optimizer = o.WeightDecay > 0f ? new DecoupledWeightDecay(o.Optimizer, o.WeightDecay) : o.Optimizer;
        return new TrainingOptions
        {
            Loss = head.CreateLoss(),
            Optimizer = optimizer,
            LearningRate = o.LearningRate,
            Schedule = schedule,
            ScheduleUnit = unit,
            ScheduleMonitor = o.ScheduleMonitor,
            GradientTransforms = transforms,
            Epochs = o.NumberOfEpochs ?? TrainingDefaults.NumberOfEpochs,
            Convergence = convergence,
            BatchSize = batchSize,
            Seed = o.EffectiveSeed,
            MaxThreads = o.NumberOfThreads,
            Metric = head.CreateMetric(),
            EarlyStopping = o.EarlyStopping,
            CancellationToken = o.CancellationToken,
            RestoreLastEpochOnDivergence = true,
            ProgressReported = progress,
            ProgressInterval = o.ProgressInterval,
            EpochCompleted = record =>
            {
                epochCompleted(record);
                o.EpochCompleted?.Invoke(record);
            },
        };
    }
}
