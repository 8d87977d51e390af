using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// <c>CrossValidate</c> with 5 folds runs our estimators inside ML.NET's own fold loop, with floors on every fold that
/// a trainer returning constant or random predictions cannot reach (chance: accuracy 1/3, AUC 0.5, R² ≤ 0).
/// </summary>
public class CrossValidationTests
{
    [Fact]
    public void MulticlassCrossValidateOnIrisReachesHighAccuracyOnEveryFold()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [8], NumberOfEpochs = 40, LearningRate = 0.03f, BatchSize = 8, Seed = 1 }));
        var results = ml.MulticlassClassification.CrossValidate(TestData.Iris.Load(ml), pipeline, numberOfFolds: 5, labelColumnName: "Label");
        Assert.Equal(5, results.Count);
        Assert.All(results, r => Assert.True(r.Metrics.MicroAccuracy >= 0.8, $"fold {r.Fold}: micro accuracy {r.Metrics.MicroAccuracy}"));
        Assert.True(results.Average(r => r.Metrics.MicroAccuracy) >= 0.9, $"mean micro accuracy {results.Average(r => r.Metrics.MicroAccuracy)}");
        Assert.All(results, r => Assert.True(r.Metrics.LogLoss < 0.6, $"fold {r.Fold}: log-loss {r.Metrics.LogLoss} (chance 1.10)"));
    }

    [Fact]
    public void BinaryCrossValidateOnBreastCancerReachesHighAucOnEveryFold()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.NormalizeMeanVariance("Features")
            .Append(ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [8], NumberOfEpochs = 10, LearningRate = 0.005f, Seed = 1 }));
        var results = ml.BinaryClassification.CrossValidate(TestData.BreastCancer.Load(ml), pipeline, numberOfFolds: 5, labelColumnName: "Label");
        Assert.Equal(5, results.Count);
        Assert.All(results, r => Assert.True(r.Metrics.AreaUnderRocCurve >= 0.95, $"fold {r.Fold}: AUC {r.Metrics.AreaUnderRocCurve}"));
        Assert.All(results, r => Assert.True(r.Metrics.Accuracy >= 0.88, $"fold {r.Fold}: accuracy {r.Metrics.Accuracy}"));
    }

    [Fact]
    public void RegressionCrossValidateOnDiabetesExplainsVarianceOnEveryFold()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.NormalizeMeanVariance("Features")
            .Append(ml.Regression.Trainers.Mlp(new MlpRegressionOptions { HiddenLayers = [8], NumberOfEpochs = 20, LearningRate = 0.02f, L2Regularization = 1e-3f, Seed = 1 }));
        var results = ml.Regression.CrossValidate(TestData.Diabetes.Load(ml), pipeline, numberOfFolds: 5, labelColumnName: "Label");
        Assert.Equal(5, results.Count);
        Assert.All(results, r => Assert.True(r.Metrics.RSquared >= 0.2, $"fold {r.Fold}: R² {r.Metrics.RSquared}"));
        Assert.True(results.Average(r => r.Metrics.RSquared) >= 0.3, $"mean R² {results.Average(r => r.Metrics.RSquared)}");
        // Each fold's model is ours and carries its own history.
        Assert.All(results, r => Assert.Equal(20, ((MlpRegressionPredictionTransformer)((TransformerChain<MlpRegressionPredictionTransformer>)r.Model).LastTransformer).Model.History.Count));
    }
}
