using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Tests.Robustness;

/// <summary>
/// A NaN feature at prediction time gives NaN scores, as ML.NET's own trainers do (evaluators leave NaN scores out),
/// through Transform and PredictionEngine alike, without touching the other rows scored in the same batch.
/// </summary>
public class NaNAtPredictionTests
{
    private const int Rows = 100, NaNRow = 40, NaNSlot = 2;

    private sealed class Row
    {
        [VectorType(4)] public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    private sealed class BinaryRow
    {
        [VectorType(4)] public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    private sealed class FeaturesOnly
    {
        [VectorType(4)] public float[] Features { get; set; } = [];
    }

    private sealed class MulticlassPrediction
    {
        public float[] Score { get; set; } = [];

        public uint PredictedLabel { get; set; }
    }

    private sealed class BinaryPrediction
    {
        public float Score { get; set; }

        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }
    }

    private sealed class RegressionPrediction
    {
        public float Score { get; set; }
    }

    [Fact]
    public void MulticlassNaNFeatureGivesNaNScoresAndTheFirstClass()
    {
        var ml = new MLContext(seed: 1);
        var raw = ml.Data.LoadFromEnumerable(Training().Select(r => new Row { Features = r.Features, Label = r.Features[0] > 0.3f ? 2 : r.Features[1] > 0 ? 1 : 0 }));
        var data = KeyedWithThreeClasses(ml, raw);
        var model = ml.MulticlassClassification.Trainers.Mlp(hiddenLayers: [8], numberOfEpochs: 2).Fit(data);

        var (transformed, alone) = ScoreBothWays<MulticlassPrediction>(ml, model);

        var nan = transformed[NaNRow];
        Assert.Equal(3, nan.Score.Length);
        Assert.All(nan.Score, s => Assert.True(float.IsNaN(s)));
        Assert.Equal(1u, nan.PredictedLabel);   // no class scores above NaN: the first one is kept
        for (int i = 0; i < Rows; i++)
        {
            Assert.Equal(Bits(alone[i].Score), Bits(transformed[i].Score));
            Assert.Equal(alone[i].PredictedLabel, transformed[i].PredictedLabel);
            if (i != NaNRow) Assert.All(transformed[i].Score, s => Assert.True(float.IsFinite(s), $"row {i}"));
        }
    }

    [Fact]
    public void BinaryNaNFeatureGivesNaNScoreAndProbabilityAndFalse()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Training().Select(r => new BinaryRow { Features = r.Features, Label = r.Features[0] > 0 }));
        var model = ml.BinaryClassification.Trainers.Mlp(hiddenLayers: [8], numberOfEpochs: 2).Fit(data);

        var (transformed, alone) = ScoreBothWays<BinaryPrediction>(ml, model);

        Assert.True(float.IsNaN(transformed[NaNRow].Score));
        Assert.True(float.IsNaN(transformed[NaNRow].Probability));
        Assert.False(transformed[NaNRow].PredictedLabel);
        for (int i = 0; i < Rows; i++)
        {
            Assert.Equal(Bits([alone[i].Score, alone[i].Probability]), Bits([transformed[i].Score, transformed[i].Probability]));
            Assert.Equal(alone[i].PredictedLabel, transformed[i].PredictedLabel);
            if (i != NaNRow) Assert.True(float.IsFinite(transformed[i].Score), $"row {i}");
        }
    }

    [Fact]
    public void RegressionNaNFeatureGivesANaNScore()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Training().Select(r => new Row { Features = r.Features, Label = r.Features[0] + 2 * r.Features[1] }));
        var model = ml.Regression.Trainers.Mlp(hiddenLayers: [8], numberOfEpochs: 2).Fit(data);

        var (transformed, alone) = ScoreBothWays<RegressionPrediction>(ml, model);

        Assert.True(float.IsNaN(transformed[NaNRow].Score));
        for (int i = 0; i < Rows; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(alone[i].Score), BitConverter.SingleToInt32Bits(transformed[i].Score));
            if (i != NaNRow) Assert.True(float.IsFinite(transformed[i].Score), $"row {i}");
        }
    }

    // The rows (one with a NaN feature) through Transform, and each alone through PredictionEngine.
    private static (T[] Transformed, T[] Alone) ScoreBothWays<T>(MLContext ml, ITransformer model)
        where T : class, new()
    {
        var random = new Random(7);
        var rows = Enumerable.Range(0, Rows).Select(i =>
        {
            var x = Enumerable.Range(0, 4).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            if (i == NaNRow) x[NaNSlot] = float.NaN;
            return new FeaturesOnly { Features = x };
        }).ToArray();
        var transformed = ml.Data.CreateEnumerable<T>(model.Transform(ml.Data.LoadFromEnumerable(rows)), reuseRowObject: false).ToArray();
        using var engine = ml.Model.CreatePredictionEngine<FeaturesOnly, T>(model);
        var alone = rows.Select(r => engine.Predict(r)).ToArray();
        Assert.Equal(Rows, transformed.Length);
        return (transformed, alone);
    }

    private static Row[] Training()
    {
        var random = new Random(3);
        return Enumerable.Range(0, 200).Select(_ => new Row { Features = Enumerable.Range(0, 4).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray() }).ToArray();
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    private static IDataView KeyedWithThreeClasses(MLContext ml, IDataView raw) => RobustnessData.KeyedWithThreeClasses(ml, raw);
}
