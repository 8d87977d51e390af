using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Tests.Trainers;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;
using static MLNet.Mlp.Tests.Robustness.RobustnessData;

namespace MLNet.Mlp.Tests.Robustness;

/// <summary>
/// Cancelling from another thread stops training within one batch (at most the step already under way completes), Fit
/// returns the model trained so far, and the same trainer trains normally afterwards.
/// </summary>
public class TrainingCancellationTests
{
    private static MlpMulticlassOptions Options(IOptimizer optimizer) => new()
    {
        HiddenLayers = [64], NumberOfEpochs = 200, BatchSize = 16, Seed = 1, Optimizer = optimizer,
    };

    [Fact]
    public void CancellingFromAnotherThreadStopsWithinOneBatchAndTheTrainerIsReusable()
    {
        var ml = new MLContext(seed: 1);
        // 2,000 rows of 32 features, batch 16: 125 steps per epoch, 25,000 in all — far more than the test waits for.
        var data = ml.Data.Cache(KeyedWithThreeClasses(ml, ml.Data.LoadFromEnumerable(Wide(2000, seed: 1))));
        var optimizer = new BlockingAdam(blockAt: 40);
        using var cts = new CancellationTokenSource();
        var options = Options(optimizer);
        options.CancellationToken = cts.Token;
        var trainer = ml.MulticlassClassification.Trainers.Mlp(options);

        int stepsAtCancel = -1;
        var canceller = new Thread(() =>
        {
            optimizer.Reached.Wait();
            cts.Cancel();
            stepsAtCancel = optimizer.Steps;
            optimizer.Release.Set();
        });
        canceller.Start();
        var partial = trainer.Fit(data);
        canceller.Join();

        int stepsAfterCancel = optimizer.Steps - stepsAtCancel;
        Assert.InRange(stepsAfterCancel, 0, 1);
        Assert.Equal(40, stepsAtCancel);
        Assert.Equal(StopReason.Cancelled, partial.Model.StopReason);
        Assert.True(optimizer.Steps < 125, $"{optimizer.Steps} steps: cancellation was not prompt");
        Assert.All(ModelWeights.Of(partial.Model), w => Assert.True(float.IsFinite(w)));
        Assert.All(partial.Transform(data).GetColumn<float[]>("Score"), s => Assert.True(s.All(float.IsFinite)));

        // The same trainer, given a live token, trains the full run exactly like a fresh trainer.
        trainer.Options.CancellationToken = CancellationToken.None;
        trainer.Options.NumberOfEpochs = 2;
        var reused = trainer.Fit(data);
        var fresh = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions
        {
            HiddenLayers = [64], NumberOfEpochs = 2, BatchSize = 16, Seed = 1, Optimizer = new AdamOptimizer(),
        }).Fit(data);
        Assert.Equal(2, reused.Model.History.Count);
        ModelWeights.AssertIdentical(fresh.Model, reused.Model);
    }

    [Fact]
    public void ATokenCancelledBeforeFitReturnsTheInitializedModelWithAWarning()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.Cache(KeyedWithThreeClasses(ml, ml.Data.LoadFromEnumerable(Wide(200, seed: 1))));
        var logger = new RecordingLogger();
        var options = new MlpMulticlassOptions { HiddenLayers = [16], Seed = 1, Logger = logger, CancellationToken = new CancellationToken(true) };
        var cancelled = ml.MulticlassClassification.Trainers.Mlp(options).Fit(data);

        Assert.Equal(StopReason.Cancelled, cancelled.Model.StopReason);
        Assert.Empty(cancelled.Model.History);
        Assert.Contains(logger.At(LogLevel.Warning), w => w.Message.Contains("cancelled before its first step", StringComparison.Ordinal));
        Assert.All(cancelled.Transform(data).GetColumn<float[]>("Score"), s => Assert.True(s.All(float.IsFinite)));
        // It is the initialized network: continuing from it trains exactly as a fresh fit with the same seed.
        var live = new MlpMulticlassOptions { HiddenLayers = [16], Seed = 1, NumberOfEpochs = 2 };
        var continued = ml.MulticlassClassification.Trainers.Mlp(live).Fit(data, cancelled.Model);
        var fresh = ml.MulticlassClassification.Trainers.Mlp(live).Fit(data);
        ModelWeights.AssertIdentical(fresh.Model, continued.Model);
    }

    [Fact]
    public void ATokenCancelledBeforeAWarmStartReturnsThePreviousModelsWeights()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.Cache(KeyedWithThreeClasses(ml, ml.Data.LoadFromEnumerable(Wide(200, seed: 1))));
        var previous = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [16], Seed = 1, NumberOfEpochs = 2 }).Fit(data);
        var options = new MlpMulticlassOptions { HiddenLayers = [16], Seed = 1, NumberOfEpochs = 5, CancellationToken = new CancellationToken(true) };
        var cancelled = ml.MulticlassClassification.Trainers.Mlp(options).Fit(data, previous.Model);

        Assert.Equal(StopReason.Cancelled, cancelled.Model.StopReason);
        Assert.Equal(2, cancelled.Model.History.Count);
        ModelWeights.AssertIdentical(previous.Model, cancelled.Model);
    }
}
