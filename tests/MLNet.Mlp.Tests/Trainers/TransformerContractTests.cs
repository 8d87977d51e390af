using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// The column contracts ML.NET's evaluators and transforms rely on, schema propagation through an EstimatorChain,
/// thread safety of Transform, and what the model parameters expose.
/// </summary>
public class TransformerContractTests
{
    private static readonly string[] IrisNames = ["setosa", "versicolor", "virginica"];

    [Fact]
    public void MulticlassOutputHasAKSizedScoreWithClassNamesAndAKeyLabelWithTheLabelsKeyValues()
    {
        var ml = new MLContext(seed: 1);
        var raw = SyntheticData.IrisWithStringLabels(ml);
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(raw).Transform(raw);
        var model = ml.MulticlassClassification.Trainers.Mlp(hiddenLayers: [4], numberOfEpochs: 2).Fit(data);
        var schema = model.Transform(data).Schema;

        var score = schema["Score"];
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), score.Type);
        VBuffer<ReadOnlyMemory<char>> slotNames = default;
        score.GetSlotNames(ref slotNames);
        Assert.Equal(IrisNames, slotNames.DenseValues().Select(s => s.ToString()));
        Assert.Equal("MulticlassClassification", TextAnnotation(score, "ScoreColumnKind"));
        Assert.Equal("Score", TextAnnotation(score, "ScoreValueKind"));

        var predicted = schema["PredictedLabel"];
        Assert.Equal(new KeyDataViewType(typeof(uint), 3), predicted.Type);
        VBuffer<ReadOnlyMemory<char>> keyValues = default;
        predicted.GetKeyValues(ref keyValues);
        Assert.Equal(IrisNames, keyValues.DenseValues().Select(s => s.ToString()));
        Assert.Equal(["Features", "Label", "Score", "PredictedLabel"], schema.Where(c => !c.IsHidden).Select(c => c.Name));
        Assert.Equal(schema.Select(c => (c.Name, c.Type)), model.GetOutputSchema(data.Schema).Select(c => (c.Name, c.Type)));
    }

    [Fact]
    public void BinaryOutputHasScalarScoreProbabilityAndBooleanPredictedLabel()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.SignalAndNoise(50, seed: 1));
        var schema = ml.BinaryClassification.Trainers.Mlp(hiddenLayers: [4], numberOfEpochs: 2).Fit(data).Transform(data).Schema;
        Assert.Equal(NumberDataViewType.Single, schema["Score"].Type);
        Assert.Equal(NumberDataViewType.Single, schema["Probability"].Type);
        Assert.Equal(BooleanDataViewType.Instance, schema["PredictedLabel"].Type);
        Assert.Equal("BinaryClassification", TextAnnotation(schema["Score"], "ScoreColumnKind"));
        Assert.Equal("Probability", TextAnnotation(schema["Probability"], "ScoreValueKind"));
    }

    [Fact]
    public void RegressionOutputIsASingleScoreOrAVectorForAVectorLabel()
    {
        var ml = new MLContext(seed: 1);
        var scalar = ml.Data.LoadFromEnumerable(SyntheticData.Bands(40, seed: 1));
        Assert.Equal(NumberDataViewType.Single, ml.Regression.Trainers.Mlp(hiddenLayers: [4], numberOfEpochs: 1).Fit(scalar).Transform(scalar).Schema["Score"].Type);
        var vector = ml.Data.LoadFromEnumerable(SyntheticData.TwoTargets(40, seed: 1));
        var schema = ml.Regression.Trainers.Mlp(hiddenLayers: [4], numberOfEpochs: 1).Fit(vector).Transform(vector).Schema;
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 2), schema["Score"].Type);
        Assert.Null(schema.GetColumnOrNull("PredictedLabel"));
    }

    [Fact]
    public void EstimatorSchemaPropagatesThroughAChainEndingInMapKeyToValue()
    {
        var ml = new MLContext(seed: 1);
        var raw = SyntheticData.IrisWithStringLabels(ml);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Mlp(hiddenLayers: [4], numberOfEpochs: 2))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

        var shape = pipeline.GetOutputSchema(Shapes.Of(raw.Schema));
        var predicted = shape.Single(c => c.Name == "PredictedLabel");
        Assert.False(predicted.IsKey);
        Assert.Equal(TextDataViewType.Instance, predicted.ItemType);
        var score = shape.Single(c => c.Name == "Score");
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, score.Kind);
        Assert.Equal(NumberDataViewType.Single, score.ItemType);

        // The fitted chain produces what the shape promised.
        var output = pipeline.Fit(raw).Transform(raw).Schema;
        foreach (var column in shape)
        {
            var actual = output[column.Name];
            Assert.Equal(column.ItemType, actual.Type is VectorDataViewType v ? v.ItemType : actual.Type is KeyDataViewType ? NumberDataViewType.UInt32 : actual.Type);
        }
        Assert.Equal(TextDataViewType.Instance, output["PredictedLabel"].Type);

        // Multi-output regression declares a vector Score as well.
        var vector = ml.Data.LoadFromEnumerable(SyntheticData.TwoTargets(10, seed: 1));
        var regression = ml.Transforms.NormalizeMinMax("Features").Append(ml.Regression.Trainers.Mlp(numberOfEpochs: 1)).GetOutputSchema(Shapes.Of(vector.Schema));
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, regression.Single(c => c.Name == "Score").Kind);
    }

    [Fact]
    public void TransformFromEightThreadsAtOnceGivesIdenticalResults()
    {
        var ml = new MLContext(seed: 1);
        var raw = TestData.Wine.Load(ml);
        var data = ml.Data.Cache(ml.Transforms.NormalizeMeanVariance("Features").Append(ml.Transforms.Conversion.MapValueToKey("Label")).Fit(raw).Transform(raw));
        var model = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [16], NumberOfEpochs = 3, BatchNormalization = true }).Fit(data);
        var expected = model.Transform(data).GetColumn<float[]>("Score").ToArray();
        var shared = model.Transform(data);

        using var start = new Barrier(8);
        var results = new float[8][][];
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            // Half the threads share one scored view, half call Transform themselves.
            var view = t % 2 == 0 ? shared : model.Transform(data);
            var scores = new List<float[]>();
            for (int repeat = 0; repeat < 3; repeat++)
                scores = view.GetColumn<float[]>("Score").ToList();
            results[t] = [.. scores];
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void ModelParametersExposeReadOnlyLayersAndOneHistoryRecordPerEpoch()
    {
        var ml = new MLContext(seed: 1);
        var raw = TestData.Iris.Load(ml);
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(raw).Transform(raw);
        var model = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [5, 3], NumberOfEpochs = 4, BatchNormalization = true, DropoutRate = 0.1f }).Fit(data).Model;

        Assert.Equal(4, model.FeatureCount);
        Assert.Equal(3, model.OutputCount);
        var dense = model.Layers.OfType<DenseLayer>().ToArray();
        Assert.Equal([5, 3, 3], dense.Select(d => d.Units));
        Assert.Equal([4 * 5, 5 * 3, 3 * 3], dense.Select(d => d.Weights.Length));
        Assert.Equal([5, 3, 3], dense.Select(d => d.Bias.Length));
        Assert.Equal(2, model.Layers.OfType<BatchNormLayer>().Count());
        Assert.Equal(2, model.Layers.OfType<DropoutLayer>().Count());
        Assert.Contains("Softmax", model.Architecture, StringComparison.Ordinal);

        // Read-only: the list cannot be changed, and copies of the weights are detached from the model.
        Assert.Throws<NotSupportedException>(() => ((IList<Layer>)model.Layers).Add(new DenseLayer(1)));
        var before = ModelWeights.Of(model);
        var copy = dense[0].Weights.ToArray();
        copy[0] += 1f;
        Assert.Equal(before, ModelWeights.Of(model));

        Assert.Equal(4, model.History.Count);
        Assert.Equal([1, 2, 3, 4], model.History.Select(h => h.Epoch));
        Assert.All(model.History, h => Assert.True(double.IsFinite(h.TrainingLoss) && h.Steps == 5));
    }

    private static string TextAnnotation(DataViewSchema.Column column, string kind)
    {
        ReadOnlyMemory<char> value = default;
        column.Annotations.GetValue(kind, ref value);
        return value.ToString();
    }
}
