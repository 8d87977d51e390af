using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Fitting;
using MLNet.Mlp.Persistence;
using MLNet.Mlp.Tasks;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// A text pipeline (FeaturizeText, whose vectors are sparse) trained and scored without densifying its rows: the
/// reader keeps them as CSR, prediction reads their non-zeros, and saved models predict as they did.
/// </summary>
public class SparseTextTests
{
    public sealed class Message
    {
        public bool Label { get; set; }

        public string Text { get; set; } = "";
    }

    public sealed class Prediction
    {
        public float Score { get; set; }
    }

    [Fact]
    public void FeaturizedTextIsReadAsSparseRows()
    {
        var ml = new MLContext(seed: 1);
        var features = ml.Transforms.Text.FeaturizeText("Features", "Text").Fit(Messages(ml, 200, seed: 1)).Transform(Messages(ml, 200, seed: 1));
        var read = DataViewReader.Read(features, MlpTaskHead.Binary, new MlpBinaryOptions(), "training");
        var sparse = read.Data.SparseFeatures;
        Assert.NotNull(sparse);
        Assert.Empty(read.Data.Features);
        Assert.Equal(200, sparse.Rows);
        Assert.True(read.Data.FeatureCount >= DataViewReader.SparseMinFeatures);
        // Far fewer stored values than features: memory in proportion to the non-zeros.
        Assert.True(sparse.NonZeroCount < 200L * read.Data.FeatureCount / 20);
    }

    [Fact]
    public void SparseModelLearnsTextAndScoresTheSameThroughTransformPredictionEngineDenseRowsAndASavedModel()
    {
        var ml = new MLContext(seed: 1);
        var train = Messages(ml, 400, seed: 2);
        var test = Messages(ml, 100, seed: 3);
        var model = ml.Transforms.Text.FeaturizeText("Features", "Text")
            .Append(ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { NumberOfEpochs = 5 }))
            .Fit(train);

        var scored = model.Transform(test);
        double accuracy = ml.BinaryClassification.EvaluateNonCalibrated(scored).Accuracy;
        Assert.True(accuracy > 0.9, $"accuracy {accuracy}");

        var scores = scored.GetColumn<float>("Score").ToArray();
        var engine = ml.Model.CreatePredictionEngine<Message, Prediction>(model);
        var messages = ml.Data.CreateEnumerable<Message>(test, reuseRowObject: false).ToArray();
        for (int i = 0; i < messages.Length; i++) Assert.Equal(scores[i], engine.Predict(messages[i]).Score);

        // The same rows given dense score the same, up to the summation order of the first layer.
        var mlp = model.LastTransformer.Model;
        // The column's enumeration reuses one buffer: each row is copied out.
        var featurized = model.Transform(test).GetColumn<VBuffer<float>>("Features").Select(v =>
        {
            VBuffer<float> copy = default;
            v.CopyTo(ref copy);
            return copy;
        }).ToArray();
        Assert.All(featurized, v => Assert.False(v.IsDense));
        var dense = new float[mlp.FeatureCount];
        var logit = new float[1];
        for (int i = 0; i < featurized.Length; i++)
        {
            featurized[i].CopyTo(dense);
            MlpTaskHead.Binary.Predict(mlp.Network, dense, logit, 1);
            // A tolerance, not rounding to decimal places: two sums 1e-7 apart can round to different fourth decimals.
            Assert.Equal(scores[i], logit[0], 1e-4 * Math.Max(1, Math.Abs(scores[i])));
        }

        using var file = new TempFile(".zip");
        ml.Model.Save(model, train.Schema, file.Path);
        var loaded = new MLContext().Model.LoadMlp(file.Path, out _);
        Assert.Equal(scores, loaded.Transform(test).GetColumn<float>("Score").ToArray());
    }

    [Fact]
    public void AVocabularyWideModelLoadedByStockLoadReadsEachRowsNonZerosAndScoresAsInMemory()
    {
        // A first layer of at least 2^21 weights: the saved graph gathers the rows of W a row's non-zeros select.
        var ml = new MLContext(seed: 1);
        var train = Messages(ml, 400, seed: 2);
        var test = Messages(ml, 100, seed: 3);
        var model = ml.Transforms.Text.FeaturizeText("Features", "Text")
            .Append(ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { NumberOfEpochs = 2, HiddenLayers = [400] }))
            .Fit(train);
        Assert.True(model.LastTransformer.Model.FeatureCount * 400L >= OnnxBackedTransformerFactory.SparseFirstLayerMinWeights);
        using var file = new TempFile(".zip");
        ml.Model.Save(model, train.Schema, file.Path);

        // The same scores up to the summation order, an empty text (no non-zero at all) included.
        var stock = new MLContext().Model.Load(file.Path, out _);
        var scores = model.Transform(test).GetColumn<float>("Score").ToArray();
        var stockScores = stock.Transform(test).GetColumn<float>("Score").ToArray();
        for (int i = 0; i < scores.Length; i++) Assert.Equal(scores[i], stockScores[i], 1e-4 * Math.Max(1, Math.Abs(scores[i])));
        var empty = ml.Data.LoadFromEnumerable(new[] { new Message { Text = "" } });
        float emptyScore = model.Transform(empty).GetColumn<float>("Score").Single();
        Assert.Equal(emptyScore, stock.Transform(empty).GetColumn<float>("Score").Single(), 1e-4 * Math.Max(1, Math.Abs(emptyScore)));
    }

    [Fact]
    public void TextFeaturesTooWideForATableAreNotStandardizedSoTheirRowsStayAsTheyAre()
    {
        var ml = new MLContext(seed: 1);
        var train = Messages(ml, 300, seed: 4);
        // 6,691 features into 256 units: more than 2^20 first-layer weights, a vocabulary rather than a table.
        var model = ml.Transforms.Text.FeaturizeText("Features", "Text")
            .Append(ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { NumberOfEpochs = 3, HiddenLayers = [256] }))
            .Fit(train);
        Assert.True(model.LastTransformer.Model.FeatureCount * 256L > MlpDefaults.SparseTableMaximumFirstLayerWeights);
        // StandardizeFeatures is on by default, and dense features are standardized; text, normalized per row, holds
        // no column of spread above 1 and is left as it is.
        Assert.True(new MlpBinaryOptions().StandardizeFeatures);
        Assert.Null(model.LastTransformer.Model.FeatureStandardization);
    }

    [Fact]
    public void TrainingUntilConvergedOnSparseFeaturesHoldsOutATenthAsValidationAndSaysSo()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source.Contains("Mlp", StringComparison.Ordinal)) lock (messages) messages.Add(e.Message); };
        var train = Messages(ml, 300, seed: 5);
        var featurize = ml.Transforms.Text.FeaturizeText("Features", "Text");

        var model = featurize.Append(ml.BinaryClassification.Trainers.Mlp()).Fit(train).LastTransformer.Model;
        Assert.All(model.History, r => Assert.NotNull(r.ValidationLoss));
        // These messages are easy: the run converges (ConvergenceCriterion) long before the epoch limit.
        Assert.Equal(MLNet.Mlp.Training.StopReason.Converged, model.StopReason);
        Assert.True(model.History.Count < 200, $"{model.History.Count} epochs");
        Assert.Contains(messages, m => m.Contains("converged after", StringComparison.Ordinal) && m.Contains("loss has not improved", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("10% of the rows (30 rows) are held out as validation data", StringComparison.Ordinal) && m.Contains("270 rows are trained on", StringComparison.Ordinal));

        // An epoch count, or an explicit fraction, is the user's choice: no default hold-out.
        var fixedLength = featurize.Append(ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { NumberOfEpochs = 2 })).Fit(train).LastTransformer.Model;
        Assert.All(fixedLength.History, r => Assert.Null(r.ValidationLoss));
        messages.Clear();
        featurize.Append(ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { ValidationFraction = 0.5f, NumberOfEpochs = 1 })).Fit(train);
        Assert.Contains(messages, m => m.Contains("Read 300 training rows", StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => m.Contains("held out as validation data", StringComparison.Ordinal));
    }

    [Fact]
    public void DenseFeaturesTrainedUntilConvergedHoldNothingOut()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(6);
        var rows = Enumerable.Range(0, 200).Select(_ =>
        {
            var x = new float[4];
            for (int j = 0; j < x.Length; j++) x[j] = (float)random.NextDouble();
            return new DenseRow { Features = x, Label = x[0] + x[1] > 1f };
        }).ToArray();
        var model = ml.BinaryClassification.Trainers.Mlp().Fit(ml.Data.LoadFromEnumerable(rows)).Model;
        Assert.All(model.History, r => Assert.Null(r.ValidationLoss));
    }

    public sealed class DenseRow
    {
        public bool Label { get; set; }

        [VectorType(4)]
        public float[] Features { get; set; } = [];
    }

    // Spam uses words of one half of a vocabulary more often, ham of the other; thousands of distinct words make
    // FeaturizeText's vectors wide and sparse.
    private static IDataView Messages(MLContext ml, int count, int seed)
    {
        var random = new Random(seed);
        var rows = new Message[count];
        for (int i = 0; i < count; i++)
        {
            bool spam = random.Next(2) == 0;
            var words = new string[12];
            for (int w = 0; w < words.Length; w++)
            {
                int word = random.Next(3000);
                bool fromOwnHalf = random.NextDouble() < 0.8;
                words[w] = "w" + ((word % 1500) + ((spam == fromOwnHalf) ? 1500 : 0));
            }
            rows[i] = new Message { Label = spam, Text = string.Join(' ', words) };
        }
        return ml.Data.LoadFromEnumerable(rows);
    }
}
