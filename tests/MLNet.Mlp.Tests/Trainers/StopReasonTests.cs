using Microsoft.ML;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Schedules;
using MLNet.Mlp.Tests.Compatibility;
using MLNet.Mlp.Tests.Persistence;
using MLNet.Mlp.Tests.Robustness;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// A trained model says why its training ended (<see cref="MlpModelParameters.StopReason"/>), the log says it in one
/// line, and checkpoints and model files keep it; files written before it was recorded load as
/// <see cref="StopReason.NotRecorded"/>.
/// </summary>
public class StopReasonTests
{
    private static IDataView Bands(MLContext ml) => RobustnessData.KeyedWithThreeClasses(ml, ml.Data.LoadFromEnumerable(SyntheticData.Bands(200, seed: 2)));

    [Fact]
    public void EachWayATrainingEndsIsRecordedOnTheModelAndLoggedInOneLine()
    {
        var ml = new MLContext(seed: 1);
        var log = RobustnessData.CaptureMlpLog(ml);
        var data = Bands(ml);
        MlpMulticlassOptions Options() => new() { HiddenLayers = [8], Seed = 1, Context = ml };

        var completed = ml.MulticlassClassification.Trainers.Mlp(Configure(Options(), o => o.NumberOfEpochs = 2)).Fit(data).Model;
        Assert.Equal(StopReason.Completed, completed.StopReason);
        Assert.Contains(log, m => m.StartsWith("Training completed 2 epochs", StringComparison.Ordinal));

        var early = ml.MulticlassClassification.Trainers.Mlp(Configure(Options(), o =>
        {
            o.NumberOfEpochs = 100;
            o.LearningRate = 1e-9f;
            o.EarlyStopping = new EarlyStopping { Patience = 2, MinDelta = 1e-3 };
        })).Fit(data).Model;
        Assert.Equal(StopReason.EarlyStopped, early.StopReason);

        var converged = ml.MulticlassClassification.Trainers.Mlp(Configure(Options(), o => o.LearningRate = 1e-9f)).Fit(data).Model;
        Assert.Equal(StopReason.Converged, converged.StopReason);
        Assert.Equal(TrainingDefaults.ConvergencePatience + 1, converged.History.Count);
        Assert.Contains(log, m => m.StartsWith($"Training converged after {converged.History.Count} epochs", StringComparison.Ordinal)
            && m.Contains("the training loss has not improved by more than 0.0001 for 10 epochs", StringComparison.Ordinal));
    }

    [Fact]
    public void TheLastGoodModelOfADivergenceSaysDiverged()
    {
        var ml = new MLContext(seed: 1);
        var options = new MlpRegressionOptions
        {
            HiddenLayers = [8], NumberOfEpochs = 5, BatchSize = 16, Seed = 5, LearningRate = 0.01f, StandardizeLabels = false,
            Optimizer = new SgdOptimizer(momentum: 0.9f), Schedule = new JumpSchedule(),
        };
        var data = ml.Data.LoadFromEnumerable(SyntheticData.TwoTargets(64, seed: 3));
        var e = Assert.Throws<MlpTrainingDivergedException>(() => ml.Regression.Trainers.Mlp(options).Fit(data));
        Assert.NotNull(e.LastGoodModel);
        Assert.Equal(StopReason.Diverged, e.LastGoodModel!.StopReason);
    }

    [Fact]
    public void CheckpointsAndModelFilesKeepTheStopReason()
    {
        var ml = new MLContext(seed: 1);
        var data = Bands(ml);
        var trained = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [8], NumberOfEpochs = 2, Seed = 1 }).Fit(data);
        Assert.Equal(StopReason.Completed, trained.Model.StopReason);

        using var checkpoint = new MemoryStream();
        trained.Model.Save(checkpoint);
        checkpoint.Position = 0;
        Assert.Equal(StopReason.Completed, MlpModelParameters.Load(checkpoint).StopReason);

        using var zip = new TempFile(".zip");
        ml.Model.Save(trained, data.Schema, zip.Path);
        var loaded = ml.Model.LoadMlp(zip.Path, out _);
        Assert.Equal(StopReason.Completed, LoadMlpTests.Stages(loaded).OfType<MlpPredictionTransformer>().Single().Model.StopReason);
    }

    [Theory]
    [MemberData(nameof(GoldenModelTests.Tasks), MemberType = typeof(GoldenModelTests))]
    public void FilesWrittenBeforeTheStopReasonWasRecordedLoadAsNotRecorded(string name)
    {
        var task = GoldenTask.Get(name);
        string folder = Path.Combine(AppContext.BaseDirectory, "Golden", "v1");
        var old = MlpModelParameters.Load(Path.Combine(folder, task.CheckpointFile));
        Assert.Equal(StopReason.NotRecorded, old.StopReason);
        // Saved again, it is written in the current version and keeps saying so.
        using var again = new MemoryStream();
        old.Save(again);
        again.Position = 0;
        Assert.Equal(StopReason.NotRecorded, MlpModelParameters.Load(again).StopReason);
    }

    /// <summary>The base rate for the first epoch, then an absurd one.</summary>
    private sealed class JumpSchedule : ILearningRateSchedule
    {
        public string Name => "Jump";

        public float GetLearningRate(float baseLearningRate, long t) => t < 1 ? baseLearningRate : 1e30f;
    }

    private static T Configure<T>(T options, Action<T> configure)
    {
        configure(options);
        return options;
    }
}
