using Microsoft.ML;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Schedules;
using MLNet.Mlp.Tests.Trainers;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Robustness;

/// <summary>
/// A diverging run through the ML.NET trainer stops with <see cref="MlpTrainingDivergedException"/>: the message names
/// the epoch and step and suggests a lower learning rate or clipping, and <c>LastGoodModel</c> is the model after the
/// last completed epoch — bit-identical to a run that stopped there — from which training can continue.
/// </summary>
public class DivergenceThroughTrainerTests
{
    /// <summary>η₀ for the first <c>goodEpochs</c> epochs, then an absurd rate.</summary>
    private sealed class JumpSchedule(int goodEpochs) : ILearningRateSchedule
    {
        public string Name => "Jump";

        public float GetLearningRate(float baseLearningRate, long t) => t < goodEpochs ? baseLearningRate : 1e30f;
    }

    private static IDataView Data(MLContext ml) => ml.Data.LoadFromEnumerable(SyntheticData.TwoTargets(64, seed: 3));

    // Raw labels in the hundreds: 0.003 keeps momentum SGD finite on the standardized features until the schedule jumps.
    private static MlpRegressionOptions Options(ILearningRateSchedule schedule, int epochs, float learningRate = 0.003f) => new()
    {
        HiddenLayers = [8], NumberOfEpochs = epochs, BatchSize = 16, LearningRate = learningRate, Seed = 5,
        Optimizer = new SgdOptimizer(momentum: 0.9f), StandardizeLabels = false, Schedule = schedule,
    };

    [Fact]
    public void LearningRateOneMillionStopsWithAnExceptionNamingEpochAndStepAndSuggestingAFix()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<MlpTrainingDivergedException>(() => ml.Regression.Trainers.Mlp(Options(new ConstantSchedule(), 20, learningRate: 1e6f)).Fit(Data(ml)));
        Assert.Contains($"Training diverged at epoch {e.Epoch}, step {e.Step}", e.Message, StringComparison.Ordinal);
        Assert.Contains("learning rate 1E+06", e.Message, StringComparison.Ordinal);
        Assert.Contains("lower learning rate", e.Message, StringComparison.Ordinal);
        Assert.Contains("clipping", e.Message, StringComparison.Ordinal);
        // Whatever epoch it reached, the model offered is finite and ends at the epoch before the failure.
        if (e.LastGoodModel is { } lastGood)
        {
            Assert.Equal(e.Epoch - 1, lastGood.History.Count);
            Assert.All(ModelWeights.Of(lastGood), w => Assert.True(float.IsFinite(w)));
        }
        // Callers of the engine's type keep working: the base-class view reports what the engine reported.
        var inner = Assert.IsType<TrainingDivergedException>(e.InnerException);
        TrainingDivergedException asEngineType = e;
        Assert.Equal(inner.Epoch, asEngineType.Epoch);
        Assert.Equal(inner.Step, asEngineType.Step);
        Assert.Equal(inner.LearningRate, asEngineType.LearningRate);
    }

    [Fact]
    public void DivergenceInTheFirstEpochOffersNoModel()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<MlpTrainingDivergedException>(() => ml.Regression.Trainers.Mlp(Options(new JumpSchedule(0), 5)).Fit(Data(ml)));
        Assert.Equal(1, e.Epoch);
        Assert.Contains("no LastGoodModel", e.Message, StringComparison.Ordinal);
        Assert.Null(e.LastGoodModel);
        Assert.Null(e.LastGoodEpoch);
    }

    [Fact]
    public void DivergenceAfterGoodEpochsOffersTheLastGoodEpochsModelAndTrainingContinuesFromIt()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml);
        var logger = new RecordingLogger();
        var options = Options(new JumpSchedule(3), 10);
        options.Logger = logger;
        var e = Assert.Throws<MlpTrainingDivergedException>(() => ml.Regression.Trainers.Mlp(options).Fit(data));

        Assert.Equal(4, e.Epoch);
        Assert.Equal(3, e.LastGoodEpoch);
        Assert.Contains("LastGoodModel holds the model after epoch 3", e.Message, StringComparison.Ordinal);
        var lastGood = Assert.IsType<MlpModelParameters>(e.LastGoodModel);
        Assert.Equal(3, lastGood.History.Count);
        Assert.Contains(logger.Entries, x => x.Level == Microsoft.Extensions.Logging.LogLevel.Error);

        // Exactly the model of a run that stopped after epoch 3.
        var threeEpochs = ml.Regression.Trainers.Mlp(Options(new JumpSchedule(3), 3)).Fit(data);
        ModelWeights.AssertIdentical(threeEpochs.Model, lastGood);

        // Usable as it is, and as a warm start with a sane schedule (its optimizer state continues exactly).
        var transformer = ml.Regression.Trainers.Mlp(Options(new ConstantSchedule(), 2)).Fit(data, lastGood);
        Assert.Equal(5, transformer.Model.History.Count);
        Assert.All(ModelWeights.Of(transformer.Model), w => Assert.True(float.IsFinite(w)));
        var uninterrupted = ml.Regression.Trainers.Mlp(Options(new JumpSchedule(100), 5)).Fit(data);
        ModelWeights.AssertIdentical(uninterrupted.Model, transformer.Model);
    }
}
