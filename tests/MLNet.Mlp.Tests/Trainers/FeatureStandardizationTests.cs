using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Activations;
using MLNet.Mlp.Fitting;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Tests.Compatibility;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// <see cref="MlpOptionsBase.StandardizeFeatures"/>: the trainer standardizes the features with the statistics of the
/// training rows and folds them into the first layer, so that raw columns of any scale train like normalized ones and
/// the model handed out takes raw features everywhere (prediction, checkpoints, ML.NET zips).
/// </summary>
public class FeatureStandardizationTests
{
    private static readonly CompatibilityData Data = new(TestData.Root);

    [Fact]
    public void StatisticsAreTheWeightedMeanAndDeviationAndConstantFeaturesAreOnlyCentered()
    {
        // Columns: ordinary; constant 1000; 1e6 with one-ulp noise (float cannot hold a real spread there); 1e-3 … 1e6.
        float[] rows =
        [
            1f, 1000f, 1e6f, 1e-3f,
            2f, 1000f, 1e6f + 0.0625f, 5f,
            4f, 1000f, 1e6f, 1e6f,
            7f, 1000f, 1e6f + 0.0625f, 0.5f,
        ];
        float[] weights = [1f, 2f, 0f, 1f];
        var data = new TrainingData((float[])rows.Clone(), 4, new float[4], 1, weights);

        var s = FeatureStandardization.Fit(data);

        for (int j = 0; j < 4; j++)
        {
            double total = weights.Sum(), mean = Enumerable.Range(0, 4).Sum(r => weights[r] * (double)rows[r * 4 + j]) / total;
            double sd = Math.Sqrt(Enumerable.Range(0, 4).Sum(r => weights[r] * (rows[r * 4 + j] - mean) * (rows[r * 4 + j] - mean)) / total);
            Assert.Equal((float)mean, s.Mean[j]);
            Assert.Equal(j is 1 or 2 ? 1f : (float)sd, s.Scale[j]);
        }
        s.Standardize(data);
        Assert.All(Enumerable.Range(0, 4), r => Assert.Equal(0f, data.Features[r * 4 + 1]));
        // The row of weight 0 does not count: the others have weighted mean 0 and variance 1 in every varying column.
        foreach (int j in new[] { 0, 3 })
        {
            double mean = Enumerable.Range(0, 4).Sum(r => weights[r] * (double)data.Features[r * 4 + j]) / weights.Sum();
            double variance = Enumerable.Range(0, 4).Sum(r => weights[r] * Math.Pow(data.Features[r * 4 + j], 2)) / weights.Sum();
            Assert.True(Math.Abs(mean) < 1e-6 && Math.Abs(variance - 1) < 1e-5, $"column {j}: mean {mean}, variance {variance}");
        }
    }

    [Fact]
    public void ARarelyNonZeroFeatureIsScaledByATenthOfItsRangeNotByItsTinyDeviation()
    {
        // Column 0 is 1 in one row of 1000 (a border pixel): deviation ≈ 0.032, range 1. Column 1 spreads over its range.
        const int rows = 1000;
        var features = new float[rows * 2];
        features[0] = 1f;
        for (int r = 0; r < rows; r++) features[r * 2 + 1] = r % 10;
        var s = FeatureStandardization.Fit(new TrainingData(features, 2, new float[rows], 1));

        Assert.Equal(0.1f, s.Scale[0]);
        double mean = 4.5, sd = Math.Sqrt(Enumerable.Range(0, 10).Average(v => (v - mean) * (v - mean)));
        Assert.Equal((float)sd, s.Scale[1]);
    }

    [Fact]
    public void StandardizingRowsGivesTheScalarFormulasBitsAtEveryWidth()
    {
        var random = new Random(21);
        for (int f = 1; f <= 41; f += 4)
        {
            const int rows = 5;
            var features = Enumerable.Range(0, rows * f).Select(_ => (float)((random.NextDouble() - 0.3) * Math.Pow(10, random.Next(-3, 4)))).ToArray();
            var data = new TrainingData(features, f, new float[rows], 1);
            var s = FeatureStandardization.Fit(data);
            var expected = features.Select((v, i) => (float)((v - (double)s.Mean[i % f]) / s.Scale[i % f])).ToArray();
            s.Standardize(data);
            Assert.Equal(expected, data.Features);
        }
    }

    [Fact]
    public void ScaleOnlyStandardizationLeavesZeroAtZero()
    {
        var s = FeatureStandardization.FromMoments([3.0, 0.0, 5.0], [4.0, 0.0, 1e-40], center: false);
        Assert.Equal([0f, 0f, 0f], s.Mean);
        Assert.Equal([2f, 1f, 1f], s.Scale);
    }

    [Fact]
    public void StandardizingWhileKeepingZerosScalesTheRowsAndLeavesTheCenteringAsTheInputOffset()
    {
        var random = new Random(22);
        const int rows = 6, f = 13;
        var features = Enumerable.Range(0, rows * f).Select(i => i % 3 == 0 ? (float)(random.NextDouble() * 50) : 0f).ToArray();
        var s = FeatureStandardization.Fit(new TrainingData((float[])features.Clone(), f, new float[rows], 1));
        var kept = new TrainingData((float[])features.Clone(), f, new float[rows], 1);
        var centered = new TrainingData((float[])features.Clone(), f, new float[rows], 1);

        s.Standardize(kept, keepZeros: true);
        s.Standardize(centered);

        Assert.Null(centered.InputOffset);
        var offset = Assert.IsType<float[]>(kept.InputOffset);
        for (int i = 0; i < features.Length; i++)
        {
            int j = i % f;
            Assert.Equal(features[i] == 0f, kept.Features[i] == 0f);
            Assert.Equal((float)(features[i] / (double)s.Scale[j]), kept.Features[i]);
            // What the network sees, x/s − μ/s, is the centered standardization up to float rounding.
            Assert.True(Math.Abs(kept.Features[i] - offset[j] - centered.Features[i]) <= 1e-5f * (1 + Math.Abs(centered.Features[i])));
        }
    }

    [Fact]
    public void MostlyZeroImagesTrainedInLargeBatchesScoreAsTheirTrainingNetworkOnCenteredRows()
    {
        // 28×28 "images": a blank background with a lit patch whose position is the class. Batches of 128 rows of
        // rows 85 % zeros: the trainer keeps the zeros and centers through the input offset (ZeroSkipping).
        var ml = new MLContext(seed: 1);
        const int rows = 600, f = 784;
        var random = new Random(23);
        var features = new float[rows * f];
        var labels = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            int label = r % 4;
            labels[r] = label;
            int top = 4 + 12 * (label / 2) + random.Next(4), left = 4 + 12 * (label % 2) + random.Next(4);
            for (int y = top; y < top + 8; y++)
                for (int x = left; x < left + 8; x++) features[r * f + y * 28 + x] = (float)(0.5 + 0.5 * random.NextDouble());
        }
        var data = CompatibilityData.ScalarLabels(ml, features, f, labels);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { BatchSize = 128, NumberOfEpochs = 8, Seed = 3 }));
        var standardizedData = new TrainingData((float[])features.Clone(), f, new float[rows], 1);
        Assert.True(ZeroSkipping.Suits(standardizedData, 128, withOffset: true));

        var trained = pipeline.Fit(data);
        var model = trained.LastTransformer.Model;

        var metrics = ml.MulticlassClassification.Evaluate(trained.Transform(data));
        Assert.True(metrics.MicroAccuracy > 0.95, $"accuracy {metrics.MicroAccuracy}");
        var standardization = Assert.IsType<FeatureStandardization>(model.FeatureStandardization);
        standardization.Standardize(standardizedData);
        var expected = Logits(model.TrainingState!.Network, standardizedData.Features, rows);
        var actual = Logits(model.Network, features, rows);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"output {i}: folded {actual[i]} vs {expected[i]}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheFoldedModelOnRawFeaturesPredictsWhatTheTrainingNetworkPredictsOnStandardizedFeatures(bool batchNormalization)
    {
        var ml = new MLContext(seed: 1);
        var t = Data.Tabular("breast-cancer.csv");
        var model = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [16, 8], BatchNormalization = batchNormalization, NumberOfEpochs = 5, Seed = 3 })
            .Fit(CompatibilityData.BooleanLabels(ml, t.Features, t.FeatureCount, t.Labels)).Model;
        var standardization = Assert.IsType<FeatureStandardization>(model.FeatureStandardization);
        var trainingNetwork = model.TrainingState!.Network;
        Assert.NotSame(trainingNetwork, model.Network);

        var standardized = new TrainingData((float[])t.Features.Clone(), t.FeatureCount, new float[t.Rows], 1);
        standardization.Standardize(standardized);
        var expected = Logits(trainingNetwork, standardized.Features, t.Rows);
        var actual = Logits(model.Network, t.Features, t.Rows);
        for (int r = 0; r < t.Rows; r++)
            Assert.True(Math.Abs(actual[r] - expected[r]) <= 1e-4 * (1 + Math.Abs(expected[r])), $"row {r}: folded {actual[r]} vs {expected[r]}");
        // The raw features are the table's: the folded first layer differs from the trained one by the scales (up to ~1e3 here).
        var first = (DenseLayer)model.Layers[0];
        Assert.NotEqual(((DenseLayer)trainingNetwork.Layers[0]).Weights.ToArray(), first.Weights.ToArray());
    }

    [Fact]
    public void FoldingThenUnfoldingGivesBackTheNetworkToRounding()
    {
        var network = new Network(3, new DenseLayer(4, Activation.Relu), new DenseLayer(1));
        network.Initialize(5);
        var s = new FeatureStandardization([10f, -2f, 1e4f], [0.5f, 1f, 3e3f]);
        var roundTrip = s.Fold(network);
        s.UnfoldInPlace(roundTrip);
        var before = network.Parameters.ToArray();
        var after = roundTrip.Parameters.ToArray();
        for (int i = 0; i < before.Length; i++)
            Assert.True(Math.Abs(before[i] - after[i]) <= 1e-5 * (1 + Math.Abs(before[i])), $"parameter {i}: {before[i]} vs {after[i]}");
    }

    /// <summary>
    /// Each table fed raw, with its columns rescaled by 10^(−3 … 6), and through NormalizeMeanVariance, trained with the
    /// default length (until converged): 5-fold cross-validated within one point of each other with the option on, while
    /// the rescaled table with it off is far behind. The contrast is drawn on the rescaled columns because the tables'
    /// own columns are of similar scales and train well raw. One seed for every pipeline: the context's seed would
    /// differ between pipelines of different lengths.
    /// </summary>
    [Theory]
    [InlineData("breast-cancer.csv", MlpTask.BinaryClassification, 0.05)]
    [InlineData("iris.csv", MlpTask.MulticlassClassification, 0.1)]
    [InlineData("diabetes.csv", MlpTask.Regression, 0.1)]
    public void RawColumnsOfMixedScalesCrossValidateWithinOnePointOfNormalizedOnes(string file, MlpTask task, double mixedWithoutStandardizationBehind)
    {
        var t = Data.Tabular(file);
        var mixedFeatures = MixedScales(t.Features, t.FeatureCount);
        double normalized = CrossValidate(task, t, t.Features, normalize: true, standardize: true);
        double raw = CrossValidate(task, t, t.Features, normalize: false, standardize: true);
        double mixed = CrossValidate(task, t, mixedFeatures, normalize: false, standardize: true);
        double mixedOff = CrossValidate(task, t, mixedFeatures, normalize: false, standardize: false);

        Assert.True(Math.Abs(raw - normalized) <= 0.01, $"raw {raw:F4} vs normalized {normalized:F4}");
        Assert.True(Math.Abs(mixed - normalized) <= 0.01, $"mixed scales {mixed:F4} vs normalized {normalized:F4}");
        Assert.True(mixedOff < mixed - mixedWithoutStandardizationBehind, $"mixed scales without standardization {mixedOff:F4} vs with {mixed:F4}");
    }

    [Fact]
    public void ValidationRowsDoNotEnterTheStatistics()
    {
        var ml = new MLContext(seed: 1);
        var t = Data.Tabular("iris.csv");
        var train = CompatibilityData.ScalarLabels(ml, t.Features, t.FeatureCount, t.Labels);
        var shifted = CompatibilityData.ScalarLabels(ml, t.Features.Select(v => v * 100 + 1000).ToArray(), t.FeatureCount, t.Labels);
        var trainer = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
        var options = new MlpMulticlassOptions { HiddenLayers = [4], NumberOfEpochs = 1 };

        var alone = ml.MulticlassClassification.Trainers.Mlp(options).Fit(trainer.Transform(train)).Model.FeatureStandardization!;
        var withValidation = ml.MulticlassClassification.Trainers.Mlp(options).Fit(trainer.Transform(train), trainer.Transform(shifted)).Model.FeatureStandardization!;

        Assert.Equal(alone.Mean, withValidation.Mean);
        Assert.Equal(alone.Scale, withValidation.Scale);
    }

    [Fact]
    public void SkippedNonFiniteRowsLeaveTheStatisticsAndWeightsAsWithoutThemAndANaNFeatureStillScoresNaN()
    {
        var ml = new MLContext(seed: 1);
        var t = Data.Tabular("diabetes.csv");
        var withNaN = t.Features.Concat(Enumerable.Repeat(float.NaN, t.FeatureCount)).ToArray();
        var options = new MlpRegressionOptions { HiddenLayers = [8], NumberOfEpochs = 2, SkipRowsWithNonFiniteFeatures = true, Seed = 1 };

        var clean = ml.Regression.Trainers.Mlp(options).Fit(CompatibilityData.ScalarLabels(ml, t.Features, t.FeatureCount, t.Labels));
        var skipped = ml.Regression.Trainers.Mlp(options).Fit(CompatibilityData.ScalarLabels(ml, withNaN, t.FeatureCount, [.. t.Labels, 100f]));

        ModelWeights.AssertIdentical(clean.Model, skipped.Model);
        var nanRow = CompatibilityData.ScalarLabels(ml, withNaN.AsSpan(withNaN.Length - t.FeatureCount).ToArray(), t.FeatureCount, [0f]);
        Assert.True(float.IsNaN(clean.Transform(nanRow).GetColumn<float>("Score").Single()));
    }

    [Fact]
    public void AStandardizedModelScoresRawRowsTheSameAfterCheckpointAndZipRoundTrips()
    {
        var ml = new MLContext(seed: 1);
        var t = Data.Tabular("breast-cancer.csv");
        var data = CompatibilityData.BooleanLabels(ml, MixedScales(t.Features, t.FeatureCount), t.FeatureCount, t.Labels);
        var trained = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [8], NumberOfEpochs = 3 }).Fit(data);
        var expected = trained.Transform(data).GetColumn<float>("Score").ToArray();

        // The checkpoint keeps the standardization (version 2) and restores the same folded weights.
        using var checkpoint = new MemoryStream();
        trained.Model.Save(checkpoint);
        Assert.Equal(2, BitConverter.ToInt32(checkpoint.GetBuffer(), 8));
        var loaded = MlpModelParameters.Load(new MemoryStream(checkpoint.ToArray()));
        ModelWeights.AssertIdentical(trained.Model, loaded);
        Assert.Equal(trained.Model.FeatureStandardization!.Scale, loaded.FeatureStandardization!.Scale);
        Assert.Equal(trained.Model.TrainingState!.Network.Parameters.ToArray(), loaded.TrainingState!.Network.Parameters.ToArray());

        // The ML.NET zip: LoadMlp bit for bit, stock Load (ONNX Runtime) to float rounding.
        using var zip = new TempFile(".zip");
        ml.Model.Save(trained, data.Schema, zip.Path);
        Assert.Equal(expected, new MLContext().Model.LoadMlp(zip.Path, out _).Transform(data).GetColumn<float>("Score"));
        var onnx = new MLContext().Model.Load(zip.Path, out _).Transform(data).GetColumn<float>("Score").ToArray();
        for (int r = 0; r < expected.Length; r++)
            Assert.True(Math.Abs(onnx[r] - expected[r]) <= 1e-4 * (1 + Math.Abs(expected[r])), $"row {r}: ONNX {onnx[r]} vs {expected[r]}");
    }

    [Fact]
    public void AModelWithoutItsTrainingStateContinuesOnFeaturesStandardizedByTheNewDataFromWhereItWas()
    {
        // A zip restores the folded network without training state: the warm start unfolds it with the new data's
        // statistics, so training resumes from the same function, not from weights misread as standardized ones.
        var ml = new MLContext(seed: 1);
        var t = Data.Tabular("breast-cancer.csv");
        var data = CompatibilityData.BooleanLabels(ml, t.Features, t.FeatureCount, t.Labels);
        var options = new MlpBinaryOptions { HiddenLayers = [8], NumberOfEpochs = 10, Seed = 2 };
        var trained = ml.BinaryClassification.Trainers.Mlp(options).Fit(data);
        using var zip = new TempFile(".zip");
        ml.Model.Save(trained, data.Schema, zip.Path);
        var restored = new MLContext().Model.LoadMlp(zip.Path, out _);
        var loaded = (restored as MlpPredictionTransformer ?? ((IEnumerable<ITransformer>)restored).OfType<MlpPredictionTransformer>().Single()).Model;
        Assert.Null(loaded.TrainingState);

        var (state, features) = WarmStart.ContinueFrom(loaded, new TrainingData((float[])t.Features.Clone(), t.FeatureCount, new float[t.Rows], 1), options);
        var standardized = new TrainingData((float[])t.Features.Clone(), t.FeatureCount, new float[t.Rows], 1);
        features!.Standardize(standardized);
        var expected = Logits(loaded.Network, t.Features, t.Rows);
        var actual = Logits(state.Network, standardized.Features, t.Rows);
        for (int r = 0; r < t.Rows; r++)
            Assert.True(Math.Abs(actual[r] - expected[r]) <= 1e-4 * (1 + Math.Abs(expected[r])), $"row {r}: unfolded {actual[r]} vs {expected[r]}");

        var continued = ml.BinaryClassification.Trainers.Mlp(options).Fit(data, loaded);
        Assert.NotNull(continued.Model.FeatureStandardization);
        Assert.Equal(20, continued.Model.History.Count);
        Assert.True(ml.BinaryClassification.Evaluate(continued.Transform(data)).Accuracy >= ml.BinaryClassification.Evaluate(trained.Transform(data)).Accuracy - 0.01);
    }

    [Fact]
    public void WithTheOptionOffTheModelIsTheTrainedNetworkAndItsCheckpointHasNoStandardization()
    {
        var ml = new MLContext(seed: 1);
        var t = Data.Tabular("breast-cancer.csv");
        var model = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [8], NumberOfEpochs = 1, StandardizeFeatures = false })
            .Fit(CompatibilityData.BooleanLabels(ml, t.Features, t.FeatureCount, t.Labels)).Model;
        Assert.Null(model.FeatureStandardization);
        Assert.Same(model.TrainingState!.Network, model.Network);
        using var checkpoint = new MemoryStream();
        model.Save(checkpoint);
        checkpoint.Position = 0;
        var loaded = MlpModelParameters.Load(checkpoint);
        Assert.Null(loaded.FeatureStandardization);
        Assert.Same(loaded.TrainingState!.Network, loaded.Network);
    }

    private static float[] Logits(Network network, float[] features, int rows)
    {
        var output = new float[rows * network.OutputSize];
        network.PredictPreActivation(features, output, rows, maxThreads: 1);
        return output;
    }

    /// <summary>Column j multiplied by 10^(−3 + 9·j/(F−1)): the first spans thousandths, the last millions.</summary>
    private static float[] MixedScales(float[] features, int featureCount)
    {
        var scaled = (float[])features.Clone();
        for (int i = 0; i < scaled.Length; i++)
            scaled[i] *= (float)Math.Pow(10, -3 + 9.0 * (i % featureCount) / (featureCount - 1));
        return scaled;
    }

    private static double CrossValidate(MlpTask task, CompatibilityData.Table t, float[] features, bool normalize, bool standardize)
    {
        var ml = new MLContext(seed: 1);
        IEstimator<ITransformer> front = normalize ? ml.Transforms.NormalizeMeanVariance("Features") : new EstimatorChain<ITransformer>();
        switch (task)
        {
            case MlpTask.BinaryClassification:
                return ml.BinaryClassification.CrossValidate(CompatibilityData.BooleanLabels(ml, features, t.FeatureCount, t.Labels),
                    front.Append(ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { Seed = 1, StandardizeFeatures = standardize })), 5)
                    .Average(r => r.Metrics.Accuracy);
            case MlpTask.MulticlassClassification:
                return ml.MulticlassClassification.CrossValidate(CompatibilityData.ScalarLabels(ml, features, t.FeatureCount, t.Labels),
                    ml.Transforms.Conversion.MapValueToKey("Label").Append(front)
                        .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { Seed = 1, StandardizeFeatures = standardize })), 5)
                    .Average(r => r.Metrics.MicroAccuracy);
            default:
                return ml.Regression.CrossValidate(CompatibilityData.ScalarLabels(ml, features, t.FeatureCount, t.Labels),
                    front.Append(ml.Regression.Trainers.Mlp(new MlpRegressionOptions { Seed = 1, StandardizeFeatures = standardize })), 5)
                    .Average(r => r.Metrics.RSquared);
        }
    }
}
