using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Onnx;
using MLNet.Mlp.Persistence;
using MLNet.Mlp.Tasks;
using MLNet.Mlp.Tests.Onnx;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Persistence;

/// <summary>
/// Builds the ONNX-backed chain for each head, checks it in process against the reference forward pass, saves it with
/// stock Model.Save to a real file, loads it in a child process (fresh MLContext, no registration) and compares.
/// </summary>
public class OnnxBackedPersistenceTests
{
    private const double Tolerance = 1e-5;
    private const int FeatureCount = 5;
    private const int RowCount = 60;
    private static readonly string[] ClassNames = ["setosa", "versicolor", "virginica"];

    private sealed class MulticlassRow
    {
        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = "";
    }

    private sealed class BinaryRow
    {
        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    private sealed class RegressionRow
    {
        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    [Theory]
    [InlineData(16_384, 128, true)]
    [InlineData(16_383, 128, false)]
    [InlineData(150_000, 16, true)]
    [InlineData(5_000, 128, false)]
    public void TheSavedGraphReadsNonZerosWhereTheFirstLayerHasAtLeastTwoToThe21Weights(int inputs, int units, bool readsNonZeros)
    {
        var first = new OnnxDenseLayer(inputs, units, new float[inputs * units], new float[units], OnnxActivation.Relu);
        var description = new OnnxMlpDescription(inputs, [first, new OnnxDenseLayer(units, 1, new float[units], [0f], OnnxActivation.Identity)], OnnxHead.Binary);

        Assert.Equal(readsNonZeros, OnnxBackedTransformerFactory.ReadsNonZeros(description));
    }

    [Fact]
    public void MulticlassSurvivesSaveAndLoadInAFreshProcess()
    {
        var ml = new MLContext(seed: 1);
        var net = RandomNetworks.Create(21, OnnxHead.Multiclass, FeatureCount, 8, ClassNames.Length, OnnxActivation.Relu);
        var features = RandomNetworks.Rows(22, RowCount, FeatureCount);
        // Labels mostly follow the network so the metrics are not degenerate.
        var rows = features.Select((f, i) => new MulticlassRow
        {
            Features = f,
            Label = ClassNames[i % 4 == 0 ? i % 3 : ReferenceMlp.ArgMax(ReferenceMlp.Forward(net, f))],
        }).ToArray();
        var raw = ml.Data.LoadFromEnumerable(rows);
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(raw).Transform(raw);

        var info = OnnxBackedModelInfo.ForMulticlass("Features", FeatureCount, data.Schema["Label"]);
        var chain = OnnxBackedTransformerFactory.Create(ml, net, info);
        var scored = chain.Transform(data);

        // Contract before saving.
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, ClassNames.Length), scored.Schema["Score"].Type);
        Assert.Equal(new KeyDataViewType(typeof(uint), ClassNames.Length), scored.Schema["PredictedLabel"].Type);
        Assert.Equal(ClassNames, KeyValues(scored.Schema["PredictedLabel"]));
        Assert.Equal(["Features", "Label", "Score", "PredictedLabel"], scored.Schema.Where(c => !c.IsHidden).Select(c => c.Name));

        var scores = scored.GetColumn<float[]>("Score").ToArray();
        var keys = scored.GetColumn<uint>("PredictedLabel").ToArray();
        for (int r = 0; r < RowCount; r++)
        {
            var expected = ReferenceMlp.Softmax(ReferenceMlp.Forward(net, features[r]));
            for (int k = 0; k < expected.Length; k++)
                Assert.Equal(expected[k], scores[r][k], Tolerance);
            Assert.Equal((uint)ReferenceMlp.ArgMax(expected) + 1, keys[r]);
        }
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        var values = ml.Transforms.Conversion.MapKeyToValue("PredictedValue", "PredictedLabel").Fit(scored).Transform(scored)
            .GetColumn<string>("PredictedValue").ToArray();

        // Saved through a transformer that only delegates Save, as our predictor does.
        var report = SaveAndLoadElsewhere(ml, new DelegatingTransformer(chain), data, "multiclass");

        Assert.Contains($"column\tScore\tVector<Single, {ClassNames.Length}>\t", report);
        Assert.Contains($"column\tPredictedLabel\tKey<UInt32, 0-{ClassNames.Length - 1}>\tKeyValues", report);
        Assert.DoesNotContain(report, line => line.StartsWith("column\tMLNet.Mlp.", StringComparison.Ordinal));
        var loadedScores = Lines(report, "score").Select(l => Floats(l[0])).ToArray();
        var loadedKeys = Lines(report, "label").Select(l => uint.Parse(l[0], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(keys, loadedKeys);
        for (int r = 0; r < RowCount; r++)
            for (int k = 0; k < ClassNames.Length; k++)
                Assert.Equal(scores[r][k], loadedScores[r][k], Tolerance);
        Assert.Equal(values, Lines(report, "value").Select(l => l[0]));
        Assert.Equal(metrics.MicroAccuracy, Metric(report, "MicroAccuracy"), 1e-12);
        Assert.Equal(metrics.MacroAccuracy, Metric(report, "MacroAccuracy"), 1e-12);
        Assert.Equal(metrics.LogLoss, Metric(report, "LogLoss"), 1e-6);
        var engine = Lines(report, "engine").ToArray();
        Assert.Equal(RowCount, engine.Length);
        for (int r = 0; r < RowCount; r++)
        {
            Assert.Equal(keys[r], uint.Parse(engine[r][0], CultureInfo.InvariantCulture));
            var engineScores = Floats(engine[r][1]);
            for (int k = 0; k < ClassNames.Length; k++)
                Assert.Equal(scores[r][k], engineScores[k], Tolerance);
        }
    }

    [Fact]
    public void MulticlassWithNumericClassValuesKeepsTheirType()
    {
        var ml = new MLContext(seed: 1);
        var net = RandomNetworks.Create(23, OnnxHead.Multiclass, FeatureCount, 6, 3, OnnxActivation.Tanh);
        var classes = KeyValueSet.Create(NumberDataViewType.Single, new[] { 1.5f, 2.5f, 7f });
        var info = new OnnxBackedModelInfo(MlpTaskHead.Multiclass, "Features", FeatureCount, 3) { ClassValues = classes };
        var chain = OnnxBackedTransformerFactory.Create(ml, net, info);
        var data = ml.Data.LoadFromEnumerable(RandomNetworks.Rows(24, 10, FeatureCount).Select(f => new RegressionRow { Features = f }));

        var scored = chain.Transform(data);

        var keyValues = scored.Schema["PredictedLabel"].Annotations.Schema["KeyValues"];
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), keyValues.Type);
        var mapped = ml.Transforms.Conversion.MapKeyToValue("Value", "PredictedLabel").Fit(scored).Transform(scored);
        var expected = RandomNetworks.Rows(24, 10, FeatureCount).Select(f => new[] { 1.5f, 2.5f, 7f }[ReferenceMlp.ArgMax(ReferenceMlp.Forward(net, f))]);
        Assert.Equal(expected, mapped.GetColumn<float>("Value"));
    }

    [Fact]
    public void BinarySurvivesSaveAndLoadInAFreshProcess()
    {
        var ml = new MLContext(seed: 1);
        var net = RandomNetworks.Create(31, OnnxHead.Binary, FeatureCount, 7, 1, OnnxActivation.Gelu);
        var features = RandomNetworks.Rows(32, RowCount, FeatureCount);
        var rows = features.Select((f, i) => new BinaryRow { Features = f, Label = (ReferenceMlp.Forward(net, f)[0] > 0) ^ (i % 5 == 0) }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);

        var chain = OnnxBackedTransformerFactory.Create(ml, net, new OnnxBackedModelInfo(MlpTaskHead.Binary, "Features", FeatureCount, 1));
        var scored = chain.Transform(data);

        Assert.Equal(NumberDataViewType.Single, scored.Schema["Score"].Type);
        Assert.Equal(NumberDataViewType.Single, scored.Schema["Probability"].Type);
        Assert.Equal(BooleanDataViewType.Instance, scored.Schema["PredictedLabel"].Type);
        Assert.Equal(["Features", "Label", "Score", "Probability", "PredictedLabel"], scored.Schema.Where(c => !c.IsHidden).Select(c => c.Name));
        var scores = scored.GetColumn<float>("Score").ToArray();
        var probabilities = scored.GetColumn<float>("Probability").ToArray();
        var labels = scored.GetColumn<bool>("PredictedLabel").ToArray();
        for (int r = 0; r < RowCount; r++)
        {
            double logit = ReferenceMlp.Forward(net, features[r])[0];
            Assert.Equal(logit, scores[r], Tolerance);
            Assert.Equal(ReferenceMlp.Sigmoid(logit), probabilities[r], Tolerance);
            Assert.Equal(probabilities[r] > 0.5f, labels[r]);
        }
        var metrics = ml.BinaryClassification.Evaluate(scored);

        var report = SaveAndLoadElsewhere(ml, chain, data, "binary");

        Assert.Contains("column\tScore\tSingle\t", report);
        Assert.Contains("column\tProbability\tSingle\t", report);
        Assert.Contains("column\tPredictedLabel\tBoolean\t", report);
        var loaded = Lines(report, "binary").ToArray();
        var engine = Lines(report, "engine").ToArray();
        Assert.Equal(RowCount, loaded.Length);
        Assert.Equal(RowCount, engine.Length);
        for (int r = 0; r < RowCount; r++)
        {
            foreach (var line in new[] { loaded[r], engine[r] })
            {
                Assert.Equal(scores[r], float.Parse(line[0], CultureInfo.InvariantCulture), Tolerance);
                Assert.Equal(probabilities[r], float.Parse(line[1], CultureInfo.InvariantCulture), Tolerance);
                Assert.Equal(labels[r], bool.Parse(line[2]));
            }
        }
        Assert.Equal(metrics.Accuracy, Metric(report, "Accuracy"), 1e-12);
        Assert.Equal(metrics.AreaUnderRocCurve, Metric(report, "AreaUnderRocCurve"), 1e-12);
        Assert.Equal(metrics.LogLoss, Metric(report, "LogLoss"), 1e-6);
    }

    [Fact]
    public void RegressionSurvivesSaveAndLoadInAFreshProcess()
    {
        var ml = new MLContext(seed: 1);
        var net = RandomNetworks.Create(41, OnnxHead.Regression, FeatureCount, 6, 1, OnnxActivation.Silu);
        var features = RandomNetworks.Rows(42, RowCount, FeatureCount);
        var rows = features.Select((f, i) => new RegressionRow { Features = f, Label = (float)ReferenceMlp.Forward(net, f)[0] + (i % 3 - 1) * 0.1f }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);

        var chain = OnnxBackedTransformerFactory.Create(ml, net, new OnnxBackedModelInfo(MlpTaskHead.Regression, "Features", FeatureCount, 1));
        var scored = chain.Transform(data);

        Assert.Equal(NumberDataViewType.Single, scored.Schema["Score"].Type);
        Assert.Equal(["Features", "Label", "Score"], scored.Schema.Where(c => !c.IsHidden).Select(c => c.Name));
        var scores = scored.GetColumn<float>("Score").ToArray();
        for (int r = 0; r < RowCount; r++)
            Assert.Equal(ReferenceMlp.Forward(net, features[r])[0], scores[r], Tolerance);
        var metrics = ml.Regression.Evaluate(scored);

        var report = SaveAndLoadElsewhere(ml, chain, data, "regression");

        Assert.Contains("column\tScore\tSingle\t", report);
        var loaded = Lines(report, "score").Select(l => float.Parse(l[0], CultureInfo.InvariantCulture)).ToArray();
        var engine = Lines(report, "engine").Select(l => float.Parse(l[0], CultureInfo.InvariantCulture)).ToArray();
        for (int r = 0; r < RowCount; r++)
        {
            Assert.Equal(scores[r], loaded[r], Tolerance);
            Assert.Equal(scores[r], engine[r], Tolerance);
        }
        Assert.Equal(metrics.MeanAbsoluteError, Metric(report, "MeanAbsoluteError"), 1e-6);
        Assert.Equal(metrics.RootMeanSquaredError, Metric(report, "RootMeanSquaredError"), 1e-6);
        Assert.Equal(metrics.RSquared, Metric(report, "RSquared"), 1e-6);
    }

    [Fact]
    public void MultiOutputRegressionSurvivesSaveAndLoadInAFreshProcess()
    {
        var ml = new MLContext(seed: 1);
        var net = RandomNetworks.Create(51, OnnxHead.Regression, FeatureCount, 6, 3, OnnxActivation.Elu);
        var features = RandomNetworks.Rows(52, 20, FeatureCount);
        var data = ml.Data.LoadFromEnumerable(features.Select(f => new RegressionRow { Features = f }));

        var chain = OnnxBackedTransformerFactory.Create(ml, net, new OnnxBackedModelInfo(MlpTaskHead.Regression, "Features", FeatureCount, 3));
        var scored = chain.Transform(data);

        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), scored.Schema["Score"].Type);
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        var report = SaveAndLoadElsewhere(ml, chain, data, "regression");

        Assert.Contains("column\tScore\tVector<Single, 3>\t", report);
        var loaded = Lines(report, "score").Select(l => Floats(l[0])).ToArray();
        for (int r = 0; r < features.Length; r++)
        {
            var expected = ReferenceMlp.Forward(net, features[r]);
            for (int k = 0; k < 3; k++)
            {
                Assert.Equal(expected[k], scores[r][k], Tolerance);
                Assert.Equal(scores[r][k], loaded[r][k], Tolerance);
            }
        }
    }

    [Fact]
    public void NativeOnnxRuntimeIsDeployedWithTheTests()
    {
        if (OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64)
            Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libonnxruntime.so")));
        Assert.False(string.IsNullOrEmpty(Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString()));
    }

    /// <summary>Saves model + input data to real files and returns the child process's report.</summary>
    private static string[] SaveAndLoadElsewhere(MLContext ml, ITransformer model, IDataView data, string head)
    {
        using var modelFile = new TempFile(".zip");
        using var dataFile = new TempFile(".idv");
        ml.Model.Save(model, data.Schema, modelFile.Path);
        using (var stream = File.Create(dataFile.Path))
            ml.Data.SaveAsBinary(data, stream);
        return ModelLoadCheckProcess.Run(head, modelFile.Path, dataFile.Path);
    }

    private static IEnumerable<string[]> Lines(string[] report, string kind) =>
        report.Where(l => l.StartsWith(kind + "\t", StringComparison.Ordinal)).Select(l => l.Split('\t')[1..]);

    private static double Metric(string[] report, string name) =>
        double.Parse(Lines(report, "metric").Single(l => l[0] == name)[1], CultureInfo.InvariantCulture);

    private static float[] Floats(string text) => text.Split(' ').Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();

    private static string[] KeyValues(DataViewSchema.Column column)
    {
        VBuffer<ReadOnlyMemory<char>> values = default;
        column.GetKeyValues(ref values);
        return values.DenseValues().Select(v => v.ToString()).ToArray();
    }
}
