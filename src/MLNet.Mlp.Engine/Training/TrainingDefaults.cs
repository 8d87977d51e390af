using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Schedules;

namespace MLNet.Mlp.Training;

/// <summary>
/// The default training settings, defined once: the engine's <see cref="TrainingOptions"/>, the ML.NET trainers'
/// options classes and the catalog methods' parameters all take their defaults from here.
/// </summary>
public static class TrainingDefaults
{
    /// <summary>The base learning rate η₀: 0.001, PyTorch's and Keras's default for Adam.</summary>
    public const float LearningRate = 0.001f;

    /// <summary>Examples per optimizer step: 32, Keras's default.</summary>
    public const int BatchSize = 32;

    /// <summary>
    /// The batch size for <paramref name="rows"/> training rows when none is set: <see cref="BatchSize"/>, or every row
    /// when there are fewer. Small tables need the steps of small batches: scikit-learn's min(200, n) gives iris one
    /// step per epoch, 200 in all, which leaves a network far from converged. A run trained until
    /// <paramref name="convergence"/> on more rows than its step limit covers <see cref="MinimumEpochsWithinStepLimit"/>
    /// times in batches of <see cref="BatchSize"/> takes larger batches, just enough for that many epochs: the step limit
    /// bounds the time of a large data set, and with batches of 32 it would end a million rows' training after two
    /// thirds of an epoch, a third of the rows never seen.
    /// </summary>
    /// <param name="rows">Training rows; positive.</param>
    /// <param name="convergence">The criterion of a run trained until converged, whose step limit the batch must cover
    /// the epochs within; null for a fixed number of epochs, whose batch stays <see cref="BatchSize"/>.</param>
    public static int BatchSizeFor(int rows, ConvergenceCriterion? convergence = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        if (rows <= BatchSize) return rows;
        if (convergence is null) return BatchSize;
        // The fewest rows per step for which the step limit still covers the epochs.
        double perStep = Math.Ceiling((double)rows * MinimumEpochsWithinStepLimit / convergence.MaximumNumberOfSteps);
        return (int)Math.Clamp(perStep, BatchSize, rows);
    }

    /// <summary>The epochs the step limit of a run trained until converged covers at least with the default batch size
    /// (<see cref="BatchSizeFor"/>): 10. With batches of <see cref="BatchSize"/> the 20,000-step limit covers that many
    /// epochs of up to 64,000 rows (MNIST's 60,000 train 11 epochs); on a million rows of a 20-column table, 10 epochs
    /// (batches of 500) reach 89.3 % test accuracy where two thirds of an epoch of batches of 32 reach 88.8 %, in seconds
    /// either way.</summary>
    public const int MinimumEpochsWithinStepLimit = 10;

    /// <summary>Passes over the training data when a fixed number is run: 10.</summary>
    public const int NumberOfEpochs = 10;

    /// <summary><see cref="ConvergenceCriterion.Tolerance"/>: 1e-4, scikit-learn's <c>tol</c>.</summary>
    public const double ConvergenceTolerance = 1e-4;

    /// <summary><see cref="ConvergenceCriterion.Patience"/>: 10 epochs, scikit-learn's <c>n_iter_no_change</c>.</summary>
    public const int ConvergencePatience = 10;

    /// <summary><see cref="ConvergenceCriterion.MaximumNumberOfEpochs"/>: 1,000. The time of a large data set is bounded by
    /// <see cref="MaximumNumberOfSteps"/>; this bound is for small tables, which take a few steps per epoch (150 rows in
    /// batches of 32: 5) and need hundreds of epochs to converge, more than scikit-learn's <c>max_iter</c> of 200.</summary>
    public const int MaximumNumberOfEpochs = 1000;

    /// <summary><see cref="ConvergenceCriterion.MaximumNumberOfSteps"/>: 20,000 optimizer steps, which bounds the time a
    /// large data set takes (11 epochs of 60,000 rows in batches of 32) while a small one reaches its epoch limit first.</summary>
    public const long MaximumNumberOfSteps = 20_000;

    /// <summary>
    /// The share of a run's limit over which the default constant learning rate falls linearly to zero when training
    /// until converged: 0.2, the last fifth of the steps the run may take (its step limit, or its epoch limit when that
    /// comes first). A large data set stops at the step limit while constant-rate Adam still wanders around a minimum
    /// with the noise of its small batches; decaying the rate over the end of the budget settles it there
    /// ("warmup-stable-decay" schedules spend 10–20 % of the steps on the decay). A run that converges earlier, as
    /// small tables do, never reaches the decay and trains exactly as with a constant rate.
    /// </summary>
    public const double FinalDecayFraction = 0.2;

    /// <summary>The width of the single hidden layer of the default network: 128.</summary>
    public const int HiddenLayerWidth = 128;

    /// <summary>The seed of initialization, shuffling, dropout and the validation split: 0.</summary>
    public const int Seed = 0;

    /// <summary>The default hidden layers: one layer of <see cref="HiddenLayerWidth"/> units. A new array on each call.</summary>
    public static int[] HiddenLayers() => [HiddenLayerWidth];

    /// <summary>What a schedule's time t counts: <see cref="ScheduleUnit.Epoch"/>.</summary>
    public const ScheduleUnit ScheduleUnit = Training.ScheduleUnit.Epoch;

    /// <summary>What a metric-driven schedule watches: <see cref="MonitoredQuantity.Loss"/>.</summary>
    public const MonitoredQuantity ScheduleMonitor = MonitoredQuantity.Loss;

    /// <summary>The default optimizer: Adam with PyTorch's defaults. A new instance on each call.</summary>
    public static IOptimizer Optimizer() => new AdamOptimizer();

    /// <summary>The default schedule: a constant learning rate. A new instance on each call.</summary>
    public static ILearningRateSchedule Schedule() => new ConstantSchedule();

    /// <summary><see cref="TrainingOptions.ProgressInterval"/>: 10 seconds, so that an epoch of a large data set shows it
    /// is moving without flooding the log of small ones (which never get a progress message).</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);
}
