using MLNet.Mlp.Losses;
using MLNet.Mlp.Schedules;
using MLNet.Mlp.Training;
using static MLNet.Mlp.Tests.Training.TrainingFixtures;

namespace MLNet.Mlp.Tests.Training;

public class ScheduleMonitorTests
{
    private static TrainingResult Train(MonitoredQuantity monitor, PlateauMode mode)
    {
        var net = ClassificationNetwork(3, dropout: 0f);
        // The metric improves for two epochs, then stalls; the loss keeps falling throughout.
        var metric = new ScriptedMetric(true, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6);
        return NetworkTrainer.Fit(net, Classification(64, 1), null, new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(),
            Optimizer = new TestSgd(),
            LearningRate = 0.1f,
            Epochs = 6,
            BatchSize = 64,
            Metric = metric,
            Schedule = new ReduceOnPlateauSchedule(mode: mode, factor: 0.5f, patience: 1),
            ScheduleMonitor = monitor,
        });
    }

    [Fact]
    public void ReduceOnPlateauWatchingTheMetricHalvesTheRateOnceTheMetricStalls()
    {
        var rates = Train(MonitoredQuantity.Metric, PlateauMode.Max).History.Select(r => r.LearningRate).ToArray();
        // Reports: 0.5, 0.6 (better), 0.6 (bad 1), 0.6 (bad 2 > patience → halve), 0.6, 0.6 …
        Assert.Equal(0.1f, rates[0]);
        Assert.Equal(0.1f, rates[2]);
        Assert.True(rates[^1] < 0.1f, string.Join(", ", rates));
    }

    [Fact]
    public void ReduceOnPlateauWatchingTheFallingLossKeepsTheRate()
    {
        var rates = Train(MonitoredQuantity.Loss, PlateauMode.Min).History.Select(r => r.LearningRate).ToArray();
        Assert.All(rates, r => Assert.Equal(0.1f, r));
    }

    [Fact]
    public void WatchingTheMetricWithoutAMetricIsRejected()
    {
        var options = new TrainingOptions { Loss = new MeanSquaredErrorLoss(), ScheduleMonitor = MonitoredQuantity.Metric };
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("no Metric", e.Message);
    }
}
