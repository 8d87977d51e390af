using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>What the trainers do with the data itself: sparse vectors, missing key labels, empty data, example weights.</summary>
public class TrainingDataHandlingTests
{
    private static readonly string[] Good = ["good", "great", "fine", "nice", "superb"];
    private static readonly string[] Bad = ["bad", "awful", "poor", "dull", "boring"];
    private static readonly string[] Filler = ["the", "movie", "plot", "was", "really", "quite", "and", "acting"];

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
        public bool Label { get; set; }
    }

    private sealed class DenseRow
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    private static TextRow[] Reviews(int rows, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ =>
        {
            bool positive = random.Next(2) == 0;
            var words = Enumerable.Range(0, 6).Select(_ => Filler[random.Next(Filler.Length)]).ToList();
            words.Insert(random.Next(words.Count), (positive ? Good : Bad)[random.Next(5)]);
            return new TextRow { Text = string.Join(' ', words), Label = positive };
        }).ToArray();
    }

    [Fact]
    public void SparseFeatureVectorsFromTextFeaturizationTrainAndPredictLikeTheirDenseCopy()
    {
        var ml = new MLContext(seed: 1);
        var text = ml.Data.LoadFromEnumerable(Reviews(200, seed: 3));
        var featurized = ml.Transforms.Text.FeaturizeText("Features", "Text").Fit(text).Transform(text);
        var sparse = ml.Data.Cache(ml.Transforms.DropColumns("Text").Fit(featurized).Transform(featurized));

        // The vectors really are sparse.
        int width = ((VectorDataViewType)sparse.Schema["Features"].Type).Size;
        using (var cursor = sparse.GetRowCursor(sparse.Schema))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(sparse.Schema["Features"]);
            VBuffer<float> v = default;
            Assert.True(cursor.MoveNext());
            getter(ref v);
            Assert.False(v.IsDense);
            Assert.True(v.GetValues().Length < width / 2);
        }

        // The same rows, densified.
        var featureArrays = sparse.GetColumn<float[]>("Features").ToArray();
        var labels = sparse.GetColumn<bool>("Label").ToArray();
        var definition = SchemaDefinition.Create(typeof(DenseRow));
        definition[nameof(DenseRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        var dense = ml.Data.LoadFromEnumerable(featureArrays.Select((f, i) => new DenseRow { Features = f, Label = labels[i] }), definition);

        var options = () => new MlpBinaryOptions { HiddenLayers = [8], NumberOfEpochs = 15, LearningRate = 0.01f, Seed = 2 };
        var fromSparse = ml.BinaryClassification.Trainers.Mlp(options()).Fit(sparse);
        var fromDense = ml.BinaryClassification.Trainers.Mlp(options()).Fit(dense);
        ModelWeights.AssertIdentical(fromDense.Model, fromSparse.Model);
        Assert.Equal(fromDense.Transform(dense).GetColumn<float>("Score"), fromSparse.Transform(sparse).GetColumn<float>("Score"));
        Assert.True(ml.BinaryClassification.Evaluate(fromSparse.Transform(sparse)).Accuracy > 0.95);
    }

    [Fact]
    public void RowsWithAMissingKeyLabelAreSkippedAndCounted()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Bands(90, seed: 5).ToList();
        for (int i = 0; i < 7; i++)
            rows.Insert(i * 10, new SyntheticData.FloatLabelRow { Features = [0.5f, 0.5f], Label = 9f });   // not a known class
        var raw = ml.Data.LoadFromEnumerable(rows);
        var known = ml.Data.LoadFromEnumerable(new[] { 0f, 1f, 2f }.Select(v => new KeyRow { Value = v }));
        var data = ml.Transforms.Conversion.MapValueToKey("Label", keyData: known).Fit(raw).Transform(raw);
        Assert.Equal(7, data.GetColumn<uint>("Label").Count(k => k == 0));

        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source.Contains("Mlp", StringComparison.Ordinal)) lock (messages) messages.Add(e.RawMessage); };
        var logger = new WarningLogger();
        var model = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [4], NumberOfEpochs = 2, BatchSize = 90, Context = ml, Logger = logger }).Fit(data);

        Assert.Contains(messages, m => m.Contains("Read 90 training rows", StringComparison.Ordinal) && m.Contains("skipped 7 rows with a missing label", StringComparison.Ordinal));
        var warning = Assert.Single(logger.Warnings);
        Assert.Equal(7L, Convert.ToInt64(warning["SkippedRows"]));
        Assert.Equal("Label", warning["LabelColumn"]);
        // One full batch of the 90 labelled rows per epoch.
        Assert.All(model.Model.History, h => Assert.Equal(1, h.Steps));
    }

    [Fact]
    public void EmptyDataOrDataWithoutAnyLabelIsAClearError()
    {
        var ml = new MLContext(seed: 1);
        var empty = ml.Data.LoadFromEnumerable(Array.Empty<SyntheticData.BoolLabelRow>());
        var e = Assert.Throws<InvalidOperationException>(() => ml.BinaryClassification.Trainers.Mlp(numberOfEpochs: 1).Fit(empty));
        Assert.Contains("empty", e.Message, StringComparison.Ordinal);

        var raw = ml.Data.LoadFromEnumerable(SyntheticData.Bands(10, seed: 1).Select(r => new SyntheticData.FloatLabelRow { Features = r.Features, Label = 7f }));
        var known = ml.Data.LoadFromEnumerable(new[] { 0f, 1f, 2f }.Select(v => new KeyRow { Value = v }));
        var unlabelled = ml.Transforms.Conversion.MapValueToKey("Label", keyData: known).Fit(raw).Transform(raw);
        var noLabels = Assert.Throws<InvalidOperationException>(() => ml.MulticlassClassification.Trainers.Mlp(numberOfEpochs: 1).Fit(unlabelled));
        Assert.Contains("all 10 rows have a missing label", noLabels.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZeroWeightRowsCannotPoisonTheModel()
    {
        // Clean rows (label = x0 > 0) plus two label-flipped copies of each. With weight 1 the flipped majority wins;
        // with weight 0 on the copies the model learns the clean rule.
        var ml = new MLContext(seed: 1);
        var clean = SyntheticData.SignalAndNoise(150, seed: 8);
        var rows = clean.Select(r => new SyntheticData.WeightedBoolRow { Features = r.Features, Label = r.Label, Weight = 1f })
            .Concat(clean.SelectMany(r => Enumerable.Repeat(new SyntheticData.WeightedBoolRow { Features = r.Features, Label = !r.Label, Weight = 0f }, 2)))
            .ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var test = ml.Data.LoadFromEnumerable(SyntheticData.SignalAndNoise(200, seed: 9));
        MlpBinaryOptions Options(string? weight) => new() { HiddenLayers = [8], NumberOfEpochs = 30, LearningRate = 0.01f, Seed = 4, ExampleWeightColumnName = weight };

        var weighted = ml.BinaryClassification.Trainers.Mlp(Options("Weight")).Fit(data);
        var unweighted = ml.BinaryClassification.Trainers.Mlp(Options(null)).Fit(data);
        double weightedAccuracy = ml.BinaryClassification.Evaluate(weighted.Transform(test)).Accuracy;
        double unweightedAccuracy = ml.BinaryClassification.Evaluate(unweighted.Transform(test)).Accuracy;
        Assert.True(weightedAccuracy > 0.9, $"weighted accuracy {weightedAccuracy}");
        Assert.True(unweightedAccuracy < 0.3, $"unweighted accuracy {unweightedAccuracy}");
    }

    [Fact]
    public void ZeroWeightRowsLeaveFullBatchAdamWhereTrainingWithoutThemEnds()
    {
        // Full-batch gradient: zero-weight rows add nothing, they only change the 1/m scale of the batch mean, and Adam's
        // update is invariant to a constant gradient scale (up to ε = 1e-8 and summation order). So the model trained
        // with the weighted junk rows matches the model trained without them to rounding.
        var ml = new MLContext(seed: 1);
        var clean = SyntheticData.SignalAndNoise(60, seed: 10);
        var junk = SyntheticData.SignalAndNoise(40, seed: 11).Select(r => new SyntheticData.WeightedBoolRow { Features = r.Features, Label = !r.Label, Weight = 0f });
        var withJunk = ml.Data.LoadFromEnumerable(clean.Select(r => new SyntheticData.WeightedBoolRow { Features = r.Features, Label = r.Label, Weight = 1f }).Concat(junk));
        var withoutJunk = ml.Data.LoadFromEnumerable(clean.Select(r => new SyntheticData.WeightedBoolRow { Features = r.Features, Label = r.Label, Weight = 1f }));
        MlpBinaryOptions Options() => new() { HiddenLayers = [6], NumberOfEpochs = 20, LearningRate = 0.01f, BatchSize = 1000, Seed = 4, ExampleWeightColumnName = "Weight" };

        var a = ml.BinaryClassification.Trainers.Mlp(Options()).Fit(withJunk);
        var b = ml.BinaryClassification.Trainers.Mlp(Options()).Fit(withoutJunk);
        var wa = ModelWeights.Of(a.Model);
        var wb = ModelWeights.Of(b.Model);
        for (int i = 0; i < wa.Length; i++)
            Assert.True(Math.Abs(wa[i] - wb[i]) <= 1e-4 * Math.Max(1, Math.Abs(wb[i])), $"parameter {i}: {wa[i]} vs {wb[i]}");
    }

    private sealed class KeyRow
    {
        public float Value { get; set; }
    }

    private sealed class WarningLogger : ILogger
    {
        public List<Dictionary<string, object?>> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning && state is IReadOnlyList<KeyValuePair<string, object?>> pairs)
                Warnings.Add(pairs.ToDictionary(p => p.Key, p => p.Value));
        }
    }
}
