using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.ModelLoadCheck;
using MLNet.Mlp.Tests.Persistence;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// Trains one real pipeline per case with our trainers, saves each with stock <c>mlContext.Model.Save</c> to a real zip
/// (and the test data with <c>SaveAsBinary</c>), loads them all in ONE child process with a fresh MLContext and nothing
/// registered, and keeps the child's report (columns, every prediction, Evaluate metrics, PredictionEngine answers)
/// next to the same report built in process for the in-memory pipeline.
/// </summary>
public sealed class SaveLoadFixture : IDisposable
{
    private readonly List<string> _files = [];

    public SaveLoadFixture()
    {
        var cases = new List<(string Name, ITransformer Model, IDataView Test, MLContext Ml)>();

        // Multiclass on text labels: MapValueToKey(string) ... MapKeyToValue("PredictedLabel").
        {
            var ml = new MLContext(seed: 1);
            var split = ml.Data.TrainTestSplit(SyntheticData.IrisWithStringLabels(ml), 0.3, seed: 5);
            var model = ml.Transforms.NormalizeMinMax("Features")
                .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
                .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [8], NumberOfEpochs = 40, LearningRate = 0.02f, BatchSize = 16, Seed = 3 }))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
                .Fit(split.TrainSet);
            cases.Add(("multiclass-text", model, split.TestSet, ml));
        }

        // Multiclass on Single labels, with batch normalization and dropout (folded on export).
        {
            var ml = new MLContext(seed: 1);
            var split = ml.Data.TrainTestSplit(TestData.Wine.Load(ml), 0.3, seed: 5);
            var model = ml.Transforms.NormalizeMeanVariance("Features")
                .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
                .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions
                {
                    HiddenLayers = [12], NumberOfEpochs = 25, LearningRate = 0.01f, BatchSize = 16, BatchNormalization = true, DropoutRate = 0.2f, Seed = 3,
                }))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
                .Fit(split.TrainSet);
            cases.Add(("multiclass-float-bn-dropout", model, split.TestSet, ml));
        }

        // Binary.
        {
            var ml = new MLContext(seed: 1);
            var split = ml.Data.TrainTestSplit(TestData.BreastCancer.Load(ml), 0.25, seed: 5);
            var model = ml.Transforms.NormalizeMeanVariance("Features")
                .Append(ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [8], NumberOfEpochs = 20, LearningRate = 0.005f, Seed = 3 }))
                .Fit(split.TrainSet);
            cases.Add(("binary", model, split.TestSet, ml));
        }

        // Regression with batch normalization, dropout and label standardization (all folded into the ONNX graph).
        {
            var ml = new MLContext(seed: 1);
            var split = ml.Data.TrainTestSplit(TestData.Diabetes.Load(ml), 0.25, seed: 5);
            var model = ml.Transforms.NormalizeMeanVariance("Features")
                .Append(ml.Regression.Trainers.Mlp(new MlpRegressionOptions
                {
                    HiddenLayers = [16, 8], NumberOfEpochs = 25, LearningRate = 0.005f, BatchNormalization = true, DropoutRate = 0.1f, StandardizeLabels = true, Seed = 3,
                }))
                .Fit(split.TrainSet);
            cases.Add(("regression-bn-dropout-standardized", model, split.TestSet, ml));
        }

        // Multi-output regression: a vector label, with batch normalization, dropout and standardization.
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(SyntheticData.TwoTargets(400, seed: 7));
            var split = ml.Data.TrainTestSplit(data, 0.25, seed: 5);
            var model = ml.Transforms.NormalizeMinMax("Features")
                .Append(ml.Regression.Trainers.Mlp(new MlpRegressionOptions
                {
                    HiddenLayers = [16], NumberOfEpochs = 30, LearningRate = 0.01f, BatchNormalization = true, DropoutRate = 0.1f, StandardizeLabels = true, Seed = 3,
                }))
                .Fit(split.TrainSet);
            cases.Add(("regression-multi-output", model, split.TestSet, ml));
        }

        var jobs = new List<(string, string)>();
        foreach (var (name, model, test, ml) in cases)
        {
            string zip = NewFile(".zip"), idv = NewFile(".idv");
            ml.Model.Save(model, test.Schema, zip);
            using (var stream = File.Create(idv))
                ml.Data.SaveAsBinary(test, stream, keepHidden: false);
            var saved = ml.Data.LoadFromBinary(idv);
            Expected[name] = ModelReport.Build(ml, model, saved).ToArray();
            Models[name] = model;
            jobs.Add((zip, idv));
        }
        var reports = ModelLoadCheckProcess.RunPipelines(jobs);
        for (int i = 0; i < cases.Count; i++)
            Loaded[cases[i].Name] = reports[i];
    }

    public Dictionary<string, string[]> Expected { get; } = [];

    public Dictionary<string, string[]> Loaded { get; } = [];

    public Dictionary<string, ITransformer> Models { get; } = [];

    private string NewFile(string extension)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlnet-mlp-saveload-{Guid.NewGuid():N}{extension}");
        _files.Add(path);
        return path;
    }

    public void Dispose()
    {
        foreach (var f in _files)
            try { File.Delete(f); } catch (IOException) { }
    }
}

public class SaveLoadInChildProcessTests(SaveLoadFixture fixture) : IClassFixture<SaveLoadFixture>
{
    private const double ScoreTolerance = 1e-5;

    [Fact]
    public void MulticlassPipelineWithTextLabelsLoadsInAFreshProcessWithIdenticalPredictions()
    {
        var loaded = AssertSameReport("multiclass-text");
        Assert.Contains("column\tPredictedLabel\tString", loaded);
        Assert.Contains(loaded, l => l.StartsWith("PredictedLabel\t0\t", StringComparison.Ordinal) && l.Split('\t')[2] is "setosa" or "versicolor" or "virginica");
        Assert.True(Metric(loaded, "MicroAccuracy") >= 0.85, $"micro accuracy {Metric(loaded, "MicroAccuracy")}");
    }

    [Fact]
    public void MulticlassPipelineWithFloatLabelsBatchNormAndDropoutLoadsWithIdenticalPredictions()
    {
        var loaded = AssertSameReport("multiclass-float-bn-dropout");
        Assert.Contains("column\tPredictedLabel\tSingle", loaded);
        Assert.True(Metric(loaded, "MicroAccuracy") >= 0.85, $"micro accuracy {Metric(loaded, "MicroAccuracy")}");
    }

    [Fact]
    public void BinaryPipelineLoadsInAFreshProcessWithIdenticalPredictions()
    {
        var loaded = AssertSameReport("binary");
        Assert.Contains("column\tProbability\tSingle", loaded);
        Assert.True(Metric(loaded, "AreaUnderRocCurve") >= 0.95, $"AUC {Metric(loaded, "AreaUnderRocCurve")}");
    }

    [Fact]
    public void RegressionWithBatchNormDropoutAndLabelStandardizationLoadsWithIdenticalScores()
    {
        var loaded = AssertSameReport("regression-bn-dropout-standardized");
        Assert.True(Metric(loaded, "RSquared") >= 0.2, $"R² {Metric(loaded, "RSquared")}");
        // Label standardization is folded in: scores are on the label's scale (diabetes progression, ~25..346).
        var scores = Lines(loaded, "Score").Select(l => double.Parse(l[2], CultureInfo.InvariantCulture)).ToArray();
        Assert.InRange(scores.Average(), 100, 200);
    }

    [Fact]
    public void MultiOutputRegressionLoadsWithIdenticalVectorScores()
    {
        var loaded = AssertSameReport("regression-multi-output");
        Assert.Contains("column\tScore\tVector<Single, 2>", loaded);
        var scores = Lines(loaded, "Score").Select(l => l[2].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        Assert.All(scores, s => Assert.Equal(2, s.Length));
        // Both targets on their own scale: ~500 and ~-40.
        Assert.InRange(scores.Average(s => s[0]), 400, 600);
        Assert.InRange(scores.Average(s => s[1]), -50, -30);
    }

    private string[] AssertSameReport(string name)
    {
        var expected = fixture.Expected[name];
        var loaded = fixture.Loaded[name];
        Assert.NotEmpty(Lines(expected, "engine"));
        Assert.True(expected.Length == loaded.Length,
            $"{name}: {expected.Length} lines in process, {loaded.Length} after loading.\nIn process:\n{string.Join("\n", expected.Where(l => l.StartsWith("column", StringComparison.Ordinal)))}\nLoaded:\n{string.Join("\n", loaded.Where(l => l.StartsWith("column", StringComparison.Ordinal)))}");
        for (int i = 0; i < expected.Length; i++)
        {
            var e = expected[i].Split('\t');
            var a = loaded[i].Split('\t');
            Assert.True(e.Length == a.Length && e[0] == a[0], $"{name} line {i}: '{expected[i]}' vs '{loaded[i]}'");
            switch (e[0])
            {
                case "Score" or "Probability":
                    AssertClose(name, i, e[2], a[2]);
                    break;
                case "engine":
                    AssertClose(name, i, e[2], a[2]);
                    Assert.Equal(e[3], a[3]);
                    break;
                case "metric" when e[1].Contains("Accuracy", StringComparison.Ordinal):
                    Assert.Equal(e[2], a[2]);
                    break;
                case "metric":
                    AssertClose(name, i, e[2], a[2]);
                    break;
                default:
                    // column lines and predicted labels: identical.
                    Assert.Equal(expected[i], loaded[i]);
                    break;
            }
        }
        // The engine on the loaded model agrees with the loaded model's own Transform.
        var transformScores = Lines(loaded, "Score").Select(l => l[2]).ToArray();
        var engineScores = Lines(loaded, "engine").Select(l => l[2]).ToArray();
        Assert.Equal(transformScores.Length, engineScores.Length);
        for (int r = 0; r < transformScores.Length; r++)
            AssertClose(name, r, transformScores[r], engineScores[r]);
        return loaded;
    }

    private static void AssertClose(string name, int line, string expected, string actual)
    {
        var e = expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var a = actual.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(e.Length, a.Length);
        for (int k = 0; k < e.Length; k++)
        {
            // Absolute 1e-5 for probabilities and metrics; relative to the magnitude for scores on a label's scale.
            double tolerance = ScoreTolerance * Math.Max(1.0, Math.Abs(e[k]));
            Assert.True(Math.Abs(e[k] - a[k]) <= tolerance, $"{name} line {line} value {k}: {e[k]} in process vs {a[k]} after loading");
        }
    }

    private static IEnumerable<string[]> Lines(string[] report, string tag)
        => report.Select(l => l.Split('\t')).Where(p => p[0] == tag);

    private static double Metric(string[] report, string name)
        => double.Parse(Lines(report, "metric").Single(p => p[1] == name)[2], CultureInfo.InvariantCulture);
}
