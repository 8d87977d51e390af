using MLNet.Mlp.Samples;
using MLNet.Mlp.Schedules;
using Xunit.Abstractions;

namespace MLNet.Mlp.Tests.Samples;

public class ComparisonSampleTests(ITestOutputHelper testOutput)
{
    [Fact]
    public void Optimizers_all_train_and_both_charts_are_written()
    {
        using var output = new SampleOutput();
        var log = new StringWriter();

        // 1,500 training images (75 steps of 20 per epoch), 2 epochs, 1,000 test images: seven trainings in seconds.
        var result = OptimizerComparison.Run(MnistChoice.Subset, epochs: 2, output.Path, log, trainRows: 1500);
        testOutput.WriteLine(log.ToString());

        Assert.Equal(["SGD", "Momentum", "Nesterov", "RMSProp", "Adagrad", "Adam", "AdamW"], result.Rows.Select(r => r.Optimizer));
        foreach (var row in result.Rows)
        {
            Assert.Equal(2, row.History.Count);
            // Measured: SGD 66 %, the others 84–86 % (chance is 10 %).
            double floor = row.Optimizer == "SGD" ? 0.50 : 0.75;
            Assert.True(row.TestAccuracy >= floor, $"{row.Optimizer}: test accuracy {row.TestAccuracy:P1}");
            Assert.True(row.History[1].ValidationLoss < row.History[0].ValidationLoss, $"{row.Optimizer}: validation loss did not fall");
            Assert.True(row.Seconds > 0);
        }
        // The adaptive optimizers and the momentum methods beat plain SGD at lr 0.01 this early.
        double sgd = result.Rows[0].TestAccuracy;
        Assert.True(result.Rows.Single(r => r.Optimizer == "Adam").TestAccuracy > sgd);
        Assert.True(result.Rows.Single(r => r.Optimizer == "Nesterov").TestAccuracy > sgd);

        Assert.Equal(2, result.Files.Count);
        output.AssertChart(result.Files[0], "optimizers-loss.png");
        output.AssertChart(result.Files[1], "optimizers-accuracy.png");
        string printed = log.ToString();
        Assert.Contains("test accuracy", printed);
        Assert.All(result.Rows, r => Assert.Contains(r.Optimizer, printed));
    }

    [Fact]
    public void Schedules_train_and_plot_their_learning_rate_curves()
    {
        using var output = new SampleOutput();

        var log = new StringWriter();
        var result = ScheduleComparison.Run(MnistChoice.Subset, epochs: 2, output.Path, log, train: true, trainRows: 1500);
        testOutput.WriteLine(log.ToString());

        Assert.Equal(5, result.Rows.Count);
        // Measured: 76–84 % (chance is 10 %).
        Assert.All(result.Rows, r => Assert.True(r.TestAccuracy >= 0.65, $"{r.Schedule}: test accuracy {r.TestAccuracy:P1}"));
        // The last step's learning rate: constant keeps η₀; every decaying schedule ends below it.
        Assert.Equal(ScheduleComparison.BaseLearningRate, result.Rows[0].FinalLearningRate);
        Assert.All(result.Rows.Skip(1), r => Assert.True(r.FinalLearningRate < 0.6f * ScheduleComparison.BaseLearningRate, $"{r.Schedule}: final lr {r.FinalLearningRate}"));

        Assert.Equal(2, result.Files.Count);
        output.AssertChart(result.Files[0], "schedules-lr.png");
        output.AssertChart(result.Files[1], "schedules-loss.png");
    }

    [Fact]
    public void Schedules_without_training_only_plot_the_curves()
    {
        using var output = new SampleOutput();
        var result = ScheduleComparison.Run(MnistChoice.Subset, epochs: 10, output.Path, TextWriter.Null, train: false);
        Assert.Empty(result.Rows);
        output.AssertChart(Assert.Single(result.Files), "schedules-lr.png");
        Assert.False(File.Exists(Path.Combine(output.Path, "schedules-loss.png")));
    }

    [Fact]
    public void The_compared_schedules_have_the_documented_shapes()
    {
        const long perEpoch = 300, total = 3000;
        const float eta = ScheduleComparison.BaseLearningRate;
        var s = ScheduleComparison.Schedules(perEpoch, total).Select(x => x.Schedule).ToArray();
        Assert.IsType<ConstantSchedule>(s[0]);
        Assert.Equal(eta, s[1].GetLearningRate(eta, 0));
        Assert.Equal(eta / 8, s[1].GetLearningRate(eta, total - 1), 6);          // halved at 750, 1500, 2250
        Assert.Equal(eta / 10, s[2].GetLearningRate(eta, total), 4);             // exponential: η₀/10 at the end
        Assert.Equal(eta / 10, s[3].GetLearningRate(eta, total), 4);             // inverse time: η₀/10 at the end
        Assert.Equal(0f, s[4].GetLearningRate(eta, 0));                          // warm-up starts at 0
        Assert.Equal(eta, s[4].GetLearningRate(eta, perEpoch), 5);               // η₀ after one epoch
        Assert.True(s[4].GetLearningRate(eta, total - 1) < eta / 100);           // cosine ends near 0
    }
}
