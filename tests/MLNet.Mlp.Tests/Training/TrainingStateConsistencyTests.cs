using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Metrics;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Schedules;
using MLNet.Mlp.Training;
using static MLNet.Mlp.Tests.Training.TrainingFixtures;

namespace MLNet.Mlp.Tests.Training;

public class TrainingStateConsistencyTests
{
    private static TrainingData Xor() => new([0, 0, 0, 1, 1, 0, 1, 1], 2, [0, 1, 1, 0], 1);

    [Fact]
    public void ContinuingWithAnOptimizerOfAnotherStateShapeStartsItsStateAfresh()
    {
        var net = new Network(2, new DenseLayer(4, Activation.Tanh), new DenseLayer(1, Activation.Sigmoid));
        net.Initialize(1);
        var state = new TrainingState(net);
        NetworkTrainer.Fit(state, Xor(), null, new TrainingOptions { Loss = new BinaryCrossEntropyLoss(), Epochs = 1, BatchSize = 4 });
        Assert.Equal(2, state.OptimizerState!.BufferCount);
        // Same name ("Adam"), three buffers instead of two: the old state must not be handed to it.
        NetworkTrainer.Fit(state, Xor(), null, new TrainingOptions
        {
            Loss = new BinaryCrossEntropyLoss(), Optimizer = new AdamOptimizer(amsgrad: true), Epochs = 1, BatchSize = 4,
        });
        Assert.Equal(3, state.OptimizerState!.BufferCount);
        Assert.True(AllFinite(net.Parameters.Span));
    }

    [Fact]
    public void TheTrainingMetricCountsOnlyTheRowsTrainedInTheEpoch()
    {
        var net = new Network(2, new DenseLayer(4), new BatchNormLayer(), new DenseLayer(3, Activation.Softmax));
        net.Initialize(3);
        // Three rows in batches of two: batch norm leaves the trailing one-row batch out, so two rows are trained and
        // the accuracy over them can only be 0, ½ or 1 (a never-written third slot would make it ⅓ or ⅔).
        var data = new TrainingData([0, 1, 1, 0, 2, 2], 2, [2, 2, 2], 1);
        var metrics = new List<double>();
        NetworkTrainer.Fit(net, data, null, new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), Epochs = 20, BatchSize = 2, Metric = new AccuracyMetric(), LearningRate = 1e-4f,
            EpochCompleted = r => metrics.Add(r.TrainingMetric!.Value),
        });
        Assert.All(metrics, m => Assert.Contains(m, new[] { 0.0, 0.5, 1.0 }));
    }

    [Fact]
    public void AMonitoredValueThatIsNaNNeverCountsAsAnImprovement()
    {
        var net = ClassificationNetwork(2, dropout: 0f);
        var result = NetworkTrainer.Fit(net, Classification(32, 1), null, new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), Epochs = 50, BatchSize = 32,
            Metric = new ScriptedMetric(true, Enumerable.Repeat(double.NaN, 50).ToArray()),
            EarlyStopping = new EarlyStopping { Monitor = MonitoredQuantity.Metric, Patience = 3 },
        });
        Assert.Equal(StopReason.EarlyStopped, result.StopReason);
        Assert.Equal(3, result.History.Count);
    }

    [Theory]
    [InlineData(MonitoredQuantity.Loss, PlateauMode.Max)]
    [InlineData(MonitoredQuantity.Metric, PlateauMode.Min)]
    public void AReduceOnPlateauFacingTheWrongWayIsRejected(MonitoredQuantity monitor, PlateauMode mode)
    {
        var options = new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), Metric = new AccuracyMetric(), ScheduleMonitor = monitor,
            Schedule = new ReduceOnPlateauSchedule(mode: mode),
        };
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("would cut the learning rate while training improves", e.Message);
    }

    [Fact]
    public void EarlyStoppingIgnoresTheWarmUpEpochsEntirely()
    {
        // The metric is best during warm-up (0.9), then 0.5 and improving slowly. Keras's start_from_epoch semantics:
        // the warm-up value is never the best to beat, and patience counts only monitored epochs.
        var net = ClassificationNetwork(2, dropout: 0f);
        var metric = new ScriptedMetric(true, 0.9, 0.9, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6);
        var result = NetworkTrainer.Fit(net, Classification(32, 1), null, new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), Epochs = 8, BatchSize = 32, Metric = metric,
            EarlyStopping = new EarlyStopping { Monitor = MonitoredQuantity.Metric, Patience = 2, StartFromEpoch = 2 },
        });
        // Monitored: epoch 3 (0.5, best), 4 (0.6, best), 5 and 6 no better → stop after epoch 6.
        Assert.Equal(StopReason.EarlyStopped, result.StopReason);
        Assert.Equal(4, result.BestEpoch);
        Assert.Equal(6, result.History.Count);
    }
}
