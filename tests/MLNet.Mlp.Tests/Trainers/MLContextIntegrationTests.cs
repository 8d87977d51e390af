using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Tests.Robustness;
using MLNet.Mlp.Trainers;
using static MLNet.Mlp.Tests.Robustness.RobustnessData;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// A trainer from a catalog method works in that catalog's <see cref="MLContext"/> as ML.NET's own trainers do, with
/// no option set: its messages and warnings reach <c>mlContext.Log</c>, a seeded context gives the same weights on
/// every run, and <c>CancelExecution</c> stops a running fit.
/// </summary>
public class MLContextIntegrationTests
{
    private sealed record Message(string Text, ChannelMessageKind Kind, string Source);

    private static List<Message> CaptureLog(MLContext ml)
    {
        var messages = new List<Message>();
        ml.Log += (_, e) => { lock (messages) messages.Add(new Message(e.RawMessage, e.Kind, e.Source)); };
        return messages;
    }

    private static IDataView BreastCancer(MLContext ml)
    {
        var raw = TestData.BreastCancer.Load(ml);
        return ml.Data.Cache(ml.Transforms.NormalizeMinMax("Features").Fit(raw).Transform(raw));
    }

    /// <summary>What the Microsoft.ML.Experimental package's <c>MLContextExtensions.CancelExecution</c> calls: the
    /// context's internal method (that package is a friend assembly; this test project does not reference it).</summary>
    private static void CancelExecution(MLContext ml)
        => typeof(MLContext).GetMethod("CancelExecution", BindingFlags.Instance | BindingFlags.NonPublic)!.Invoke(ml, null);

    [Fact]
    public void BinaryTrainerWithNoOptionSetSendsItsMessagesToTheContextLog()
    {
        var ml = new MLContext(seed: 1);
        var data = BreastCancer(ml);
        var log = CaptureLog(ml);

        var model = ml.BinaryClassification.Trainers.Mlp().Fit(data);

        var mlp = log.Where(m => m.Source.Contains("Mlp", StringComparison.Ordinal)).ToArray();
        Assert.Contains(mlp, m => m.Kind == ChannelMessageKind.Info && m.Text.StartsWith("Read 569 training rows of 30 features", StringComparison.Ordinal));
        var epochs = mlp.Where(m => m.Text.StartsWith("Epoch ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(model.Model.History.Count, epochs.Length);
        Assert.All(epochs, m => Assert.Contains("train loss", m.Text, StringComparison.Ordinal));
        Assert.All(epochs, m => Assert.DoesNotContain("validation", m.Text, StringComparison.Ordinal));
    }

    [Fact]
    public void MulticlassAndRegressionTrainersFromTheirCatalogsReportToTheContextLogToo()
    {
        var ml = new MLContext(seed: 1);
        var log = CaptureLog(ml);
        var iris = TestData.Iris.Load(ml);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(iris).Transform(iris);

        ml.MulticlassClassification.Trainers.Mlp(hiddenLayers: [4]).Fit(keyed);
        int afterMulticlass = log.Count;
        ml.Regression.Trainers.Mlp(hiddenLayers: [4]).Fit(TestData.Diabetes.Load(ml));

        Assert.Contains(log.Take(afterMulticlass), m => m.Source.Contains("Mlp", StringComparison.Ordinal) && m.Text.StartsWith("Read 150 training rows", StringComparison.Ordinal));
        Assert.Contains(log.Skip(afterMulticlass), m => m.Source.Contains("Mlp", StringComparison.Ordinal) && m.Text.StartsWith("Read 442 training rows", StringComparison.Ordinal));
    }

    [Fact]
    public void WarningsReachTheContextLogWithNoOptionSet()
    {
        var ml = new MLContext(seed: 1);
        var log = CaptureLog(ml);
        var twoOfThreeClasses = KeyedWithThreeClasses(ml, ml.Data.LoadFromEnumerable(SyntheticData.Bands(120, seed: 2).Where(r => r.Label != 2f).ToArray()));

        ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [4], NumberOfEpochs = 1 }).Fit(twoOfThreeClasses);

        Assert.Contains(log, m => m.Kind == ChannelMessageKind.Warning && m.Source.Contains("Mlp", StringComparison.Ordinal)
            && m.Text.Contains("1 of 3 classes never occur in the training data", StringComparison.Ordinal));
    }

    [Fact]
    public void ContextOptionWinsOverTheCatalogsContext()
    {
        var catalogContext = new MLContext(seed: 1);
        var optionContext = new MLContext(seed: 2);
        var data = BreastCancer(catalogContext);
        var catalogLog = CaptureLog(catalogContext);
        var optionLog = CaptureLog(optionContext);

        catalogContext.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [4], NumberOfEpochs = 1, Context = optionContext }).Fit(data);

        Assert.Contains(optionLog, m => m.Source.Contains("Mlp", StringComparison.Ordinal) && m.Text.StartsWith("Epoch 1:", StringComparison.Ordinal));
        Assert.DoesNotContain(catalogLog, m => m.Source.Contains("Mlp", StringComparison.Ordinal));
    }

    [Fact]
    public void LoggerEntriesWithoutValidationDataCarryNoValidationValues()
    {
        var ml = new MLContext(seed: 1);
        var logger = new RecordingLogger();

        ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [4], NumberOfEpochs = 2, Logger = logger }).Fit(BreastCancer(ml));

        var epochs = logger.At(LogLevel.Information).Where(e => e.Values.ContainsKey("Epoch")).ToArray();
        Assert.Equal(2, epochs.Length);
        Assert.All(epochs, e => Assert.DoesNotContain("(null)", e.Message, StringComparison.Ordinal));
        Assert.All(epochs, e => Assert.DoesNotContain("validation", e.Message, StringComparison.Ordinal));
        Assert.All(epochs, e => Assert.False(e.Values.ContainsKey("ValidationLoss")));
    }

    [Fact]
    public void SeededContextGivesTheSameWeightsOnEveryRunAndAnotherSeedOtherWeights()
    {
        static MlpModelParameters Train(MLContext ml)
            => ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [4], NumberOfEpochs = 2 }).Fit(BreastCancer(ml)).Model;

        var first = Train(new MLContext(seed: 5));
        ModelWeights.AssertIdentical(first, Train(new MLContext(seed: 5)));
        Assert.NotEqual(ModelWeights.Of(first), ModelWeights.Of(Train(new MLContext(seed: 6))));
        // As with ML.NET's own trainers, a context without a seed draws a new one each run.
        Assert.NotEqual(ModelWeights.Of(Train(new MLContext())), ModelWeights.Of(Train(new MLContext())));
    }

    [Fact]
    public void ExplicitSeedWinsOverTheContextsAndATrainerWithoutContextUsesZero()
    {
        static MlpModelParameters Train(MLContext ml, int? seed)
            => ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [4], NumberOfEpochs = 2, Seed = seed }).Fit(BreastCancer(ml)).Model;

        ModelWeights.AssertIdentical(Train(new MLContext(seed: 5), 3), Train(new MLContext(seed: 6), 3));

        var ml = new MLContext(seed: 5);
        var withoutContext = new MlpBinaryTrainer(new MlpBinaryOptions { HiddenLayers = [4], NumberOfEpochs = 2 }).Fit(BreastCancer(ml)).Model;
        ModelWeights.AssertIdentical(Train(new MLContext(seed: 6), 0), withoutContext);
    }

    [Fact]
    public void CancelExecutionOfTheContextStopsARunningFit()
    {
        var ml = new MLContext(seed: 1);
        // 2,000 rows, batch 16: 125 steps an epoch, 25,000 in all.
        var data = ml.Data.Cache(KeyedWithThreeClasses(ml, ml.Data.LoadFromEnumerable(Wide(2000, seed: 1))));
        var optimizer = new BlockingAdam(blockAt: 40);
        var trainer = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [16], NumberOfEpochs = 200, BatchSize = 16, Optimizer = optimizer });

        var canceller = new Thread(() =>
        {
            optimizer.Reached.Wait();
            CancelExecution(ml);
            // ML.NET sets a flag and calls nothing back; the fit polls it every 100 ms on a thread of its own (a busy
            // thread pool cannot delay it): three seconds leave it thirty chances even on a loaded machine.
            Thread.Sleep(3000);
            optimizer.Release.Set();
        });
        canceller.Start();
        var model = trainer.Fit(data);
        canceller.Join();

        Assert.NotNull(model.Model);
        Assert.True(optimizer.Steps < 125, $"{optimizer.Steps} steps: training went on past the epoch it was cancelled in");
    }
}
