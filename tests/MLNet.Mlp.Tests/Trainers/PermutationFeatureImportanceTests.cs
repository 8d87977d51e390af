using Microsoft.ML;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// ML.NET's permutation feature importance (the generic overload over <c>ISingleFeaturePredictionTransformer&lt;TModel&gt;</c>,
/// taken from the fitted chain's <c>LastTransformer</c>) on data where feature 0 decides the label and feature 1 is noise.
/// </summary>
public class PermutationFeatureImportanceTests
{
    [Fact]
    public void BinaryImportanceOfTheDecidingFeatureDwarfsThatOfTheNoiseFeature()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.SignalAndNoise(400, seed: 11));
        var model = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [8], NumberOfEpochs = 30, LearningRate = 0.02f, Seed = 1 }))
            .Fit(data);
        var beforeTrainer = model.Take(1).Single().Transform(data);
        var importance = ml.BinaryClassification.PermutationFeatureImportance(model.LastTransformer, beforeTrainer, "Label", permutationCount: 3);

        Assert.Equal(2, importance.Length);
        double signal = -importance[0].AreaUnderRocCurve.Mean, noise = -importance[1].AreaUnderRocCurve.Mean;
        Assert.True(signal > 0.3, $"AUC drop when feature 0 is permuted: {signal}");
        Assert.True(Math.Abs(noise) < 0.03, $"AUC drop when feature 1 is permuted: {noise}");
        Assert.True(signal > 10 * Math.Abs(noise), $"feature 0: {signal}, feature 1: {noise}");
        Assert.True(-importance[0].Accuracy.Mean > 10 * Math.Abs(importance[1].Accuracy.Mean) + 0.1);
    }

    [Fact]
    public void MulticlassImportanceOfTheDecidingFeatureDwarfsThatOfTheNoiseFeature()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Bands(450, seed: 12));
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [12], NumberOfEpochs = 40, LearningRate = 0.02f, Seed = 1 }))
            .Fit(data);
        var beforeTrainer = model.Take(2).Aggregate(data, (view, t) => t.Transform(view));
        var importance = ml.MulticlassClassification.PermutationFeatureImportance(model.LastTransformer, beforeTrainer, "Label", permutationCount: 3);

        double signal = -importance[0].MicroAccuracy.Mean, noise = -importance[1].MicroAccuracy.Mean;
        Assert.True(signal > 0.3, $"micro-accuracy drop when feature 0 is permuted: {signal}");
        Assert.True(signal > 10 * Math.Abs(noise), $"feature 0: {signal}, feature 1: {noise}");
    }

    [Fact]
    public void RegressionImportanceOfTheDecidingFeatureDwarfsThatOfTheNoiseFeature()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.SignalAndNoise(400, seed: 13)
            .Select(r => new SyntheticData.FloatLabelRow { Features = r.Features, Label = 3f * r.Features[0] * r.Features[0] + r.Features[0] }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var transformer = ml.Regression.Trainers.Mlp(new MlpRegressionOptions { HiddenLayers = [16], NumberOfEpochs = 40, LearningRate = 0.01f, Seed = 1 }).Fit(data);
        var importance = ml.Regression.PermutationFeatureImportance(transformer, data, "Label", permutationCount: 3);

        double signal = -importance[0].RSquared.Mean, noise = -importance[1].RSquared.Mean;
        Assert.True(signal > 0.5, $"R² drop when feature 0 is permuted: {signal}");
        Assert.True(signal > 10 * Math.Abs(noise), $"feature 0: {signal}, feature 1: {noise}");
    }
}
