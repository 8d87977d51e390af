using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Schedules;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// Warm starts through the ML.NET trainer: N epochs, a checkpoint FILE (<c>MlpModelParameters.Save(path)</c>), <c>Load</c>,
/// then M more epochs with <c>trainer.Fit(data, loadedParameters)</c> equal N + M uninterrupted epochs bit for bit
/// (Adam's moments, the step counter for dropout's random stream, batch-norm statistics and the epoch counter for the
/// shuffle all carry over). The same from the in-memory model.
/// </summary>
public class WarmStartTests
{
    private const int N = 3, M = 4;

    private static MlpRegressionOptions RegressionOptions(int epochs) => new()
    {
        HiddenLayers = [12, 6],
        NumberOfEpochs = epochs,
        LearningRate = 0.01f,
        BatchSize = 16,
        BatchNormalization = true,
        DropoutRate = 0.2f,
        StandardizeLabels = true,
        Seed = 9,
    };

    private static MlpMulticlassOptions MulticlassOptions(int epochs) => new()
    {
        HiddenLayers = [10],
        NumberOfEpochs = epochs,
        LearningRate = 0.02f,
        BatchSize = 10,
        DropoutRate = 0.1f,
        Seed = 9,
    };

    [Fact]
    public void RegressionContinuedFromACheckpointFileEqualsUninterruptedTraining()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.Cache(ml.Transforms.NormalizeMeanVariance("Features").Fit(TestData.Diabetes.Load(ml)).Transform(TestData.Diabetes.Load(ml)));
        var uninterrupted = ml.Regression.Trainers.Mlp(RegressionOptions(N + M)).Fit(data);

        var first = ml.Regression.Trainers.Mlp(RegressionOptions(N)).Fit(data);
        using var checkpoint = new TempFile(".mlpckpt");
        first.Model.Save(checkpoint.Path);
        var loaded = MlpModelParameters.Load(checkpoint.Path);
        var continued = ml.Regression.Trainers.Mlp(RegressionOptions(M)).Fit(data, loaded);

        ModelWeights.AssertIdentical(uninterrupted.Model, continued.Model);
        Assert.Equal(Enumerable.Range(1, N + M), continued.Model.History.Select(h => h.Epoch));
        Assert.Equal(uninterrupted.Model.History.Select(h => h.TrainingLoss), continued.Model.History.Select(h => h.TrainingLoss));
        Assert.Equal(uninterrupted.Transform(data).GetColumn<float>("Score"), continued.Transform(data).GetColumn<float>("Score"));
    }

    [Fact]
    public void RegressionContinuedFromTheInMemoryModelEqualsUninterruptedTrainingAndLeavesTheFirstModelUnchanged()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.Cache(ml.Transforms.NormalizeMeanVariance("Features").Fit(TestData.Diabetes.Load(ml)).Transform(TestData.Diabetes.Load(ml)));
        var uninterrupted = ml.Regression.Trainers.Mlp(RegressionOptions(N + M)).Fit(data);

        var first = ml.Regression.Trainers.Mlp(RegressionOptions(N)).Fit(data);
        var before = ModelWeights.Of(first.Model);
        var firstScores = first.Transform(data).GetColumn<float>("Score").ToArray();
        var continued = ml.Regression.Trainers.Mlp(RegressionOptions(M)).Fit(data, first.Model);

        ModelWeights.AssertIdentical(uninterrupted.Model, continued.Model);
        Assert.Equal(before, ModelWeights.Of(first.Model));
        Assert.Equal(N, first.Model.History.Count);
        Assert.Equal(firstScores, first.Transform(data).GetColumn<float>("Score"));
    }

    [Fact]
    public void MulticlassContinuedFromACheckpointFileEqualsUninterruptedTraining()
    {
        var ml = new MLContext(seed: 1);
        var raw = TestData.Iris.Load(ml);
        var data = ml.Data.Cache(ml.Transforms.NormalizeMinMax("Features").Append(ml.Transforms.Conversion.MapValueToKey("Label")).Fit(raw).Transform(raw));
        var uninterrupted = ml.MulticlassClassification.Trainers.Mlp(MulticlassOptions(N + M)).Fit(data);

        var first = ml.MulticlassClassification.Trainers.Mlp(MulticlassOptions(N)).Fit(data);
        using var checkpoint = new TempFile(".mlpckpt");
        first.Model.Save(checkpoint.Path);
        var continued = ml.MulticlassClassification.Trainers.Mlp(MulticlassOptions(M)).Fit(data, MlpModelParameters.Load(checkpoint.Path));

        ModelWeights.AssertIdentical(uninterrupted.Model, continued.Model);
        // The class values travel in the checkpoint: PredictedLabel keeps its KeyValues.
        var scored = continued.Transform(data);
        Assert.Equal(uninterrupted.Transform(data).GetColumn<uint>("PredictedLabel"), scored.GetColumn<uint>("PredictedLabel"));
        var mapped = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(scored).Transform(scored).GetColumn<float>("PredictedLabel").ToArray();
        Assert.All(mapped, v => Assert.Contains(v, new[] { 0f, 1f, 2f }));
    }

    [Fact]
    public void BinaryWithMomentumPlateauScheduleAndValidationContinuedFromACheckpointEqualsUninterruptedTraining()
    {
        // Step-counted decay inside reduce-on-plateau (whose state depends on the validation losses seen so far),
        // momentum, decoupled weight decay and clipping: everything that keeps state across epochs.
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.NoisyLinear(80, seed: 31));
        var validation = ml.Data.LoadFromEnumerable(SyntheticData.NoisyLinear(80, seed: 32));
        MlpBinaryOptions Options(int epochs) => new()
        {
            HiddenLayers = [16],
            NumberOfEpochs = epochs,
            LearningRate = 0.05f,
            BatchSize = 8,
            Optimizer = new MomentumOptimizer(0.9f),
            Schedule = new ReduceOnPlateauSchedule(new StepDecaySchedule(7, 0.9f), factor: 0.5f, patience: 0),
            ScheduleUnit = ScheduleUnit.Step,
            WeightDecay = 1e-3f,
            GradientClipNorm = 1f,
            Seed = 6,
        };
        var uninterrupted = ml.BinaryClassification.Trainers.Mlp(Options(N + M)).Fit(train, validation);
        var first = ml.BinaryClassification.Trainers.Mlp(Options(N)).Fit(train, validation);
        using var checkpoint = new TempFile(".mlpckpt");
        first.Model.Save(checkpoint.Path);
        var continued = ml.BinaryClassification.Trainers.Mlp(Options(M)).Fit(train, validation, MlpModelParameters.Load(checkpoint.Path));

        Assert.Equal(uninterrupted.Model.History.Select(h => h.LearningRate), continued.Model.History.Select(h => h.LearningRate));
        Assert.True(uninterrupted.Model.History.Select(h => h.LearningRate).Distinct().Count() > 2, "the schedule should change the rate");
        ModelWeights.AssertIdentical(uninterrupted.Model, continued.Model);
        Assert.Equal(uninterrupted.Model.History.Select(h => h.ValidationLoss), continued.Model.History.Select(h => h.ValidationLoss));
    }

    [Fact]
    public void ContinuingWithADifferentArchitectureIsRejected()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.Cache(ml.Transforms.NormalizeMeanVariance("Features").Fit(TestData.Diabetes.Load(ml)).Transform(TestData.Diabetes.Load(ml)));
        var first = ml.Regression.Trainers.Mlp(RegressionOptions(1)).Fit(data);
        var other = RegressionOptions(1);
        other.HiddenLayers = [5];
        var e = Assert.Throws<ArgumentException>(() => ml.Regression.Trainers.Mlp(other).Fit(data, first.Model));
        Assert.Equal("previousModel", e.ParamName);
    }
}
