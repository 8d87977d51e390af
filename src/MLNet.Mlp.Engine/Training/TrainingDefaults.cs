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

    /// <summary>Passes over the training data: 10.</summary>
    public const int NumberOfEpochs = 10;

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
}
