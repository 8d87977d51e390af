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

    private static Network XorNetwork()
    {
        var net = new Network(2, new DenseLayer(4, Activation.Tanh), new DenseLayer(1, Activation.Sigmoid));
        net.Initialize(1);
        return net;
    }

    private static TrainingOptions XorOptions(IOptimizer optimizer) => new()
    {
        Loss = new BinaryCrossEntropyLoss(), Optimizer = optimizer, Epochs = 1, BatchSize = 4,
    };

    [Fact]
    public void ContinuingAStateOfTheSameOptimizerNameButAnotherBufferCountIsRefusedNamingBothCounts()
    {
        // Adam saves two buffers; AMSGrad (also named "Adam") needs three. Starting AMSGrad's state afresh would
        // silently give a run that no uninterrupted run matches, so training refuses and leaves the state untouched.
        var state = new TrainingState(XorNetwork());
        NetworkTrainer.Fit(state, Xor(), null, XorOptions(new AdamOptimizer()));
        Assert.Equal(2, state.OptimizerState!.BufferCount);
        var saved = state.OptimizerState;
        var parameters = state.Network.Parameters.ToArray();

        var e = Assert.Throws<InvalidOperationException>(() => NetworkTrainer.Fit(state, Xor(), null, XorOptions(new AdamOptimizer(amsgrad: true))));

        Assert.Contains("Adam", e.Message, StringComparison.Ordinal);
        Assert.Contains("expects 3 buffer(s)", e.Message, StringComparison.Ordinal);
        Assert.Contains("found 2 buffer(s)", e.Message, StringComparison.Ordinal);
        Assert.Same(saved, state.OptimizerState);
        Assert.Equal(1, state.EpochsCompleted);
        Assert.True(BitIdentical(parameters, state.Network.Parameters.Span));
    }

    [Fact]
    public void AnAmsGradStateThatLostItsRunningMaximumIsRefused()
    {
        // What a checkpoint that keeps only two optimizer buffers would hand back.
        var state = new TrainingState(XorNetwork());
        NetworkTrainer.Fit(state, Xor(), null, XorOptions(new AdamOptimizer(amsgrad: true)));
        var truncated = new OptimizerState(2, state.Network.ParameterCount);
        state.OptimizerState!.Buffer(0).CopyTo(truncated.Buffer(0));
        state.OptimizerState.Buffer(1).CopyTo(truncated.Buffer(1));
        state.OptimizerState = truncated;

        var e = Assert.Throws<InvalidOperationException>(() => NetworkTrainer.Fit(state, Xor(), null, XorOptions(new AdamOptimizer(amsgrad: true))));
        Assert.Contains("expects 3 buffer(s)", e.Message, StringComparison.Ordinal);
        Assert.Contains("found 2 buffer(s)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AStateOfTheSameOptimizerForAnotherParameterCountIsRefusedNamingBothCounts()
    {
        var state = new TrainingState(XorNetwork()) { OptimizerName = "Adam", OptimizerState = new OptimizerState(2, 7) };
        var e = Assert.Throws<InvalidOperationException>(() => NetworkTrainer.Fit(state, Xor(), null, XorOptions(new AdamOptimizer())));
        Assert.Contains($"expects 2 buffer(s) of {state.Network.ParameterCount} values", e.Message, StringComparison.Ordinal);
        Assert.Contains("found 2 buffer(s) of 7 values", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ContinuingWithAnotherOptimizerStartsItsStateAfresh()
    {
        // A warm start with another optimizer (another name) is legitimate: its state starts from zero.
        var state = new TrainingState(XorNetwork());
        NetworkTrainer.Fit(state, Xor(), null, XorOptions(new AdamOptimizer()));
        Assert.Equal(2, state.OptimizerState!.BufferCount);

        var afterAdam = state.Clone();
        NetworkTrainer.Fit(state, Xor(), null, XorOptions(new AdagradOptimizer()));
        Assert.Equal("Adagrad", state.OptimizerName);
        Assert.Equal(1, state.OptimizerState!.BufferCount);

        // The same as Adagrad from a state that never had an optimizer state: nothing of Adam's moments leaks in.
        var fresh = afterAdam.Clone();
        fresh.OptimizerState = null;
        fresh.OptimizerName = null;
        NetworkTrainer.Fit(fresh, Xor(), null, XorOptions(new AdagradOptimizer()));
        Assert.True(BitIdentical(fresh.Network.Parameters.Span, state.Network.Parameters.Span));
        Assert.True(BitIdentical(fresh.OptimizerState!.Buffer(0), state.OptimizerState.Buffer(0)));
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
