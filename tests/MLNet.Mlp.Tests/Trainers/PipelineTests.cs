using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Trainers;

public class PipelineTests
{
    [Fact]
    public void MulticlassPipelineOnWineReachesHighAccuracyWithMLNetEvaluator()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.Wine.Load(ml);
        var split = ml.Data.TrainTestSplit(data, 0.25, seed: 3);
        var pipeline = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [16], NumberOfEpochs = 60, LearningRate = 0.01f, BatchSize = 16 }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(split.TrainSet);
        var scored = model.Transform(split.TestSet);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.True(metrics.MicroAccuracy >= 0.9, $"micro accuracy {metrics.MicroAccuracy}");
        var predicted = scored.GetColumn<float>("PredictedLabel").ToArray();
        Assert.All(predicted, p => Assert.InRange(p, 0f, 2f));
    }

    [Fact]
    public void BinaryPipelineOnBreastCancerReachesHighAucWithMLNetEvaluator()
    {
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(TestData.BreastCancer.Load(ml), 0.25, seed: 3);
        var pipeline = ml.Transforms.NormalizeMeanVariance("Features")
            .Append(ml.BinaryClassification.Trainers.Mlp(hiddenLayers: [16], numberOfEpochs: 100, learningRate: 0.005f));
        var model = pipeline.Fit(split.TrainSet);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
        Assert.True(metrics.AreaUnderRocCurve >= 0.97, $"AUC {metrics.AreaUnderRocCurve}");
        Assert.True(metrics.Accuracy >= 0.9, $"accuracy {metrics.Accuracy}");
    }

    [Fact]
    public void RegressionPipelineOnDiabetesReachesUsefulRSquared()
    {
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(TestData.Diabetes.Load(ml), 0.25, seed: 3);
        var pipeline = ml.Transforms.NormalizeMeanVariance("Features")
            .Append(ml.Regression.Trainers.Mlp(new MlpRegressionOptions { HiddenLayers = [16], NumberOfEpochs = 40, LearningRate = 0.003f, L2Regularization = 1e-3f }));
        var model = pipeline.Fit(split.TrainSet);
        var metrics = ml.Regression.Evaluate(model.Transform(split.TestSet));
        Assert.True(metrics.RSquared >= 0.35, $"R² {metrics.RSquared}");
    }

    [Fact]
    public void PredictionEngineMatchesTransformForEveryRow()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.Cache(TestData.Iris.Load(ml));
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Mlp(hiddenLayers: [8], numberOfEpochs: 20, learningRate: 0.01f))
            .Fit(data);
        var scores = model.Transform(data).GetColumn<float[]>("Score").ToArray();
        var engine = ml.Model.CreatePredictionEngine<IrisRow, IrisPrediction>(model);
        var rows = ml.Data.CreateEnumerable<IrisRow>(data, reuseRowObject: false).ToArray();
        for (int i = 0; i < rows.Length; i++)
            Assert.Equal(scores[i], engine.Predict(rows[i]).Score);
    }

    public sealed class IrisRow
    {
        [VectorType(4)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    public sealed class IrisPrediction
    {
        public float[] Score { get; set; } = [];
        public uint PredictedLabel { get; set; }
    }
}
