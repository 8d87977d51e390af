using MLNet.Mlp.Losses;
using MLNet.Mlp.Metrics;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Schedules;

namespace MLNet.Mlp.Training;

/// <summary>How <see cref="NetworkTrainer"/> trains: loss, optimizer, schedule, batches, epochs and stopping rules.</summary>
public sealed class TrainingOptions
{
    /// <summary>The loss minimized. Required.</summary>
    public required ILoss Loss { get; init; }

    /// <summary>The optimizer. Default Adam with PyTorch's defaults.</summary>
    public IOptimizer Optimizer { get; init; } = TrainingDefaults.Optimizer();

    /// <summary>The base learning rate η₀ the schedule scales; positive. Default 0.001.</summary>
    public float LearningRate { get; init; } = TrainingDefaults.LearningRate;

    /// <summary>The learning-rate schedule. Default constant.</summary>
    public ILearningRateSchedule Schedule { get; init; } = TrainingDefaults.Schedule();

    /// <summary>What the schedule's time t counts. Default <see cref="ScheduleUnit.Epoch"/>.</summary>
    public ScheduleUnit ScheduleUnit { get; init; } = TrainingDefaults.ScheduleUnit;

    /// <summary>What a metric-driven schedule (reduce-on-plateau) is told each epoch. Default <see cref="MonitoredQuantity.Loss"/>;
    /// with <see cref="MonitoredQuantity.Metric"/> a <see cref="Metric"/> is required.</summary>
    public MonitoredQuantity ScheduleMonitor { get; init; } = TrainingDefaults.ScheduleMonitor;

    /// <summary>Gradient transforms applied in order before each update (clipping, L2). Default none.</summary>
    public IReadOnlyList<IGradientTransform> GradientTransforms { get; init; } = [];

    /// <summary>Epochs to run in this call; positive. Default 10. Not used when <see cref="Convergence"/> is set.</summary>
    public int Epochs { get; init; } = TrainingDefaults.NumberOfEpochs;

    /// <summary>Train until converged instead of for <see cref="Epochs"/> epochs: the rule that ends the run and its
    /// limits. Default null (a fixed number of epochs).</summary>
    public ConvergenceCriterion? Convergence { get; init; }

    /// <summary>Examples per step: 1 is stochastic gradient descent, the row count is batch gradient descent. Default 32.</summary>
    public int BatchSize { get; init; } = TrainingDefaults.BatchSize;

    /// <summary>Reshuffle the examples every epoch (driven by <see cref="Seed"/>). Default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed for the per-epoch shuffle and dropout masks. Default 0.</summary>
    public int Seed { get; init; } = TrainingDefaults.Seed;

    /// <summary>How the optimizer updates the first layer when the training data is sparse (<see cref="TrainingData.SparseFeatures"/>).
    /// Default <see cref="SparseUpdateMode.Lazy"/>.</summary>
    public SparseUpdateMode SparseUpdates { get; init; } = SparseUpdateMode.Lazy;

    /// <summary>Cores the matrix kernels may use; null for all. Results are bit-identical for any value.</summary>
    public int? MaxThreads { get; init; }

    /// <summary>A metric reported per epoch (and usable for early stopping), or null.</summary>
    public IMetric? Metric { get; init; }

    /// <summary>Early stopping, or null to run every epoch.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>Called after every epoch with its record (for logging and progress displays).</summary>
    public Action<EpochRecord>? EpochCompleted { get; init; }

    /// <summary>Called within an epoch, after a step, once at least <see cref="ProgressInterval"/> has passed since the
    /// epoch began or since the last call: how far a long epoch has come. Null (default) for none.</summary>
    public Action<EpochProgress>? ProgressReported { get; init; }

    /// <summary>The least time between two <see cref="ProgressReported"/> calls; non-negative. Default 10 seconds.</summary>
    public TimeSpan ProgressInterval { get; init; } = TrainingDefaults.ProgressInterval;

    /// <summary>
    /// On divergence, put the last completed epoch's state back even when the weights are still finite, so that the
    /// state after the exception is the last good one: the ML.NET trainer builds its diverged model from it instead of
    /// keeping a second copy of the whole state (parameters, gradients, optimizer moments) beside the guard's.
    /// </summary>
    internal bool RestoreLastEpochOnDivergence { get; init; }

    /// <summary>Stops training at the next batch when signalled; the network keeps its weights.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Loss is null) throw new ArgumentNullException(nameof(Loss), "A loss is required.");
        if (Optimizer is null) throw new ArgumentNullException(nameof(Optimizer), "An optimizer is required.");
        if (Schedule is null) throw new ArgumentNullException(nameof(Schedule), "A schedule is required.");
        if (GradientTransforms is null || GradientTransforms.Any(t => t is null)) throw new ArgumentNullException(nameof(GradientTransforms), "Gradient transforms must not be null.");
        if (!(LearningRate > 0f) || float.IsInfinity(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, $"Invalid learning rate: {LearningRate} (must be positive and finite).");
        if (Epochs <= 0) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, $"Invalid number of epochs: {Epochs} (must be positive).");
        if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"Invalid batch size: {BatchSize} (must be positive).");
        if (ProgressInterval < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ProgressInterval), ProgressInterval, $"Invalid progress interval: {ProgressInterval} (must not be negative).");
        if (MaxThreads is <= 0) throw new ArgumentOutOfRangeException(nameof(MaxThreads), MaxThreads, $"Invalid thread count: {MaxThreads} (must be positive).");
        if (EarlyStopping?.Monitor == MonitoredQuantity.Metric && Metric is null)
            throw new ArgumentException("Early stopping monitors the metric, but no Metric is set.", nameof(EarlyStopping));
        if (ScheduleMonitor == MonitoredQuantity.Metric && Metric is null)
            throw new ArgumentException("The schedule monitors the metric, but no Metric is set.", nameof(ScheduleMonitor));
        if (Schedule is ReduceOnPlateauSchedule plateau)
        {
            bool higherIsBetter = ScheduleMonitor == MonitoredQuantity.Metric && Metric!.HigherIsBetter;
            if ((plateau.Mode == PlateauMode.Max) != higherIsBetter)
                throw new ArgumentException($"ReduceOnPlateauSchedule is in {plateau.Mode} mode but watches the "
                    + (ScheduleMonitor == MonitoredQuantity.Metric ? $"metric {Metric!.Name}, where {(higherIsBetter ? "higher" : "lower")} is better" : "loss, where lower is better")
                    + $": it would cut the learning rate while training improves. Use PlateauMode.{(higherIsBetter ? "Max" : "Min")}.", nameof(Schedule));
        }
        EarlyStopping?.Validate();
        Convergence?.Validate();
        // The transforms and the optimizer's own links form one chain: its check refuses a regularizer applied twice.
        GradientTransformationChain.Build(Optimizer, GradientTransforms);
    }
}
