using Microsoft.Extensions.Logging;
using Microsoft.ML;
using MLNet.Mlp.Tests.Robustness;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// The warnings a user needs, through the logger and ML.NET's log: a run that stopped at its limit while the loss still
/// fell (underfit, naming the option to raise), and a loss that rose by orders of magnitude (learning rate too high,
/// with a suggested value); neither appears on an ordinary run.
/// </summary>
public class TrainingWarningTests
{
    private static IDataView NormalizedBreastCancer(MLContext ml)
    {
        var raw = TestData.BreastCancer.Load(ml);
        return ml.Transforms.NormalizeMeanVariance("Features").Fit(raw).Transform(raw);
    }

    [Fact]
    public void StoppingAtTheLimitWhileTheLossStillFallsWarnsToRaiseNumberOfEpochs()
    {
        var ml = new MLContext(seed: 1);
        var log = RobustnessData.CaptureMlpLog(ml);
        var logger = new RecordingLogger();
        // A rate this small keeps the loss falling steadily by more than the tolerance for all the epochs of the limit.
        var model = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [8], LearningRate = 2e-5f, Seed = 1, Logger = logger, Context = ml })
            .Fit(NormalizedBreastCancer(ml)).Model;
        // The rate decays over the last fifth of the limit, where the loss may level off: that is still the limit.
        Assert.Equal(StopReason.ReachedLimit, model.StopReason);
        Assert.InRange(model.History.Count, (int)(0.8 * TrainingDefaults.MaximumNumberOfEpochs), TrainingDefaults.MaximumNumberOfEpochs);
        var warning = Assert.Single(logger.At(LogLevel.Warning));
        Assert.Contains("still falling", warning.Message, StringComparison.Ordinal);
        Assert.Equal(2 * model.History.Count, warning.Values["SuggestedEpochs"]);
        Assert.Contains(log, m => m.Contains("The learning rate fell linearly towards zero", StringComparison.Ordinal));
        Assert.Contains(log, m => m.Contains("may be underfit", StringComparison.Ordinal) && m.Contains("Set NumberOfEpochs", StringComparison.Ordinal));
    }

    [Fact]
    public void ALossThatRisesByOrdersOfMagnitudeWarnsThatTheLearningRateIsTooHigh()
    {
        var ml = new MLContext(seed: 1);
        var log = RobustnessData.CaptureMlpLog(ml);
        var logger = new RecordingLogger();
        var model = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { LearningRate = 1000f, NumberOfEpochs = 5, Seed = 1, Logger = logger, Context = ml })
            .Fit(NormalizedBreastCancer(ml)).Model;
        Assert.Equal(StopReason.Completed, model.StopReason);
        var warning = Assert.Single(logger.At(LogLevel.Warning));
        Assert.Contains("too high for Adam", warning.Message, StringComparison.Ordinal);
        Assert.Equal(0.01, (float)warning.Values["SuggestedLearningRate"]!, 1e-6);
        Assert.Contains(log, m => m.Contains("Lower LearningRate (e.g. to 0.01)", StringComparison.Ordinal));
    }

    [Fact]
    public void AnOrdinaryRunWarnsOfNothing()
    {
        var ml = new MLContext(seed: 1);
        var logger = new RecordingLogger();
        var model = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [8], LearningRate = 0.01f, Seed = 1, Logger = logger })
            .Fit(NormalizedBreastCancer(ml)).Model;
        Assert.Contains(model.StopReason, new[] { StopReason.Converged, StopReason.ReachedLimit });
        Assert.Empty(logger.At(LogLevel.Warning));
    }
}
