using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Tests.Persistence;
using MLNet.Mlp.Trainers;
using Xunit.Abstractions;

namespace MLNet.Mlp.Tests.Compatibility;

/// <summary>
/// Models that users saved with the code of the golden commit (ML.NET 5.0.1, before the redesign) must keep loading and
/// predicting exactly as they did. For each task (<see cref="GoldenTask.All"/>) Golden/v1 holds the stock
/// <c>mlContext.Model.Save</c> zip of a whole pipeline, the full checkpoint (<see cref="MlpModelParameters.Save(string)"/>)
/// and &lt;task&gt;.expected.json with what they produced then, as exact float bits. See Golden/v1/README.md for how they
/// were made; never regenerate them to make a failing test pass.
/// </summary>
public class GoldenModelTests(ITestOutputHelper output)
{
    private static readonly CompatibilityData Data = new(TestData.Root);

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Golden", "v1");

    public static TheoryData<string> Tasks => new(GoldenTask.All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Tasks))]
    public void GoldenFilesAreTheOnesTheirExpectedValuesWereRecordedFrom(string name)
    {
        var (task, expected) = Read(name);
        Assert.Equal(name, expected.Task);
        Assert.Equal(expected.ZipSha256, GoldenOutputs.Sha256(Path.Combine(Folder, task.ZipFile)));
        Assert.Equal(expected.CheckpointSha256, GoldenOutputs.Sha256(Path.Combine(Folder, task.CheckpointFile)));
        Assert.Equal(GoldenTask.RecordedRowCount, expected.Rows.Count);
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void StockModelLoadOfTheGoldenZipPredictsTheRecordedValuesBitForBit(string name)
    {
        var (task, expected) = Read(name);
        var ml = new MLContext();
        var model = ml.Model.Load(Path.Combine(Folder, task.ZipFile), out _);
        var scored = model.Transform(task.RecordedInput(ml, expected));

        Assert.Equal(expected.Columns, GoldenOutputs.Columns(scored.Schema));
        var actual = GoldenOutputs.Values(scored);
        foreach (var (column, recorded) in expected.StockLoad)
            AssertSameRows($"stock-loaded {name}.zip (values recorded on {expected.RecordedOn}), column {column}", recorded, actual[column]);

        // The same through a PredictionEngine (one row at a time), for the score.
        var engineScores = PredictionEngineScores(ml, model, task, expected, scored.Schema);
        AssertSameRows($"PredictionEngine over the stock-loaded {name}.zip, Score", expected.StockLoad["Score"], engineScores);
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void TheGoldenCheckpointLoadsTheRecordedParametersAndTheEnginePredictsTheRecordedOutputs(string name)
    {
        var (task, expected) = Read(name);
        var model = MlpModelParameters.Load(Path.Combine(Folder, task.CheckpointFile));

        var actual = GoldenCheckpoint.Of(model);
        Assert.Equal(expected.Checkpoint.Task, actual.Task);
        Assert.Equal(expected.Checkpoint.Architecture, actual.Architecture);
        Assert.Equal(expected.Checkpoint.FeatureCount, actual.FeatureCount);
        Assert.Equal(expected.Checkpoint.OutputCount, actual.OutputCount);
        Assert.Equal(expected.Checkpoint.Epochs, actual.Epochs);
        AssertSameRows($"{name}.mlpckpt parameters", expected.Checkpoint.Parameters.Split(' '), actual.Parameters.Split(' '));
        AssertSameRows($"{name}.mlpckpt batch-norm state", expected.Checkpoint.State.Split(' '), actual.State.Split(' '));
        Assert.Equal(expected.Checkpoint.ParameterHash, actual.ParameterHash);

        // The engine scores the preprocessed features of the recorded rows (the Features column of the stock-loaded zip).
        var inputs = expected.StockLoad["Features"].Select(BitHash.FromHex).ToArray();
        var outputs = GoldenOutputs.EngineOutputs(model, inputs);
        string isa = BitHash.Isa;
        if (expected.Engine.TryGetValue(isa, out var recorded))
        {
            AssertSameRows($"engine outputs of {name}.mlpckpt under {isa}", recorded, outputs);
            return;
        }
        // No values for this instruction set: scoring must at least be repeatable and agree with the ONNX form.
        Assert.Equal(outputs, GoldenOutputs.EngineOutputs(MlpModelParameters.Load(Path.Combine(Folder, task.CheckpointFile)), inputs));
        string? probabilities = name switch { "multiclass" => "Score", "binary" => "Probability", _ => null };
        if (probabilities != null)
        {
            for (int r = 0; r < outputs.Count; r++)
            {
                var engine = BitHash.FromHex(outputs[r]);
                var onnx = BitHash.FromHex(expected.StockLoad[probabilities][r]);
                for (int k = 0; k < engine.Length; k++) Assert.Equal(onnx[k], engine[k], 1e-5f);
            }
        }
        output.WriteLine($"No engine outputs are recorded for instruction set {isa}; checked that scoring is repeatable"
            + (probabilities != null ? " and agrees with the recorded ONNX probabilities within 1e-5." : "."));
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void ResumingTheGoldenCheckpointForTwoEpochsGivesTheRecordedParameterHash(string name)
    {
        var (task, expected) = Read(name);
        var ml = new MLContext(seed: 0);
        var loadedZip = ml.Model.Load(Path.Combine(Folder, task.ZipFile), out _);
        var resumed = task.Resume(ml, loadedZip, Data, MlpModelParameters.Load(Path.Combine(Folder, task.CheckpointFile)));

        Assert.Equal(expected.Checkpoint.Epochs + GoldenTask.ResumeEpochs, resumed.History.Count);
        string actual = BitHash.OfNetwork(resumed.CopyNetwork());
        string isa = BitHash.Isa;
        if (expected.ResumedParameterHash.TryGetValue(isa, out var recorded))
        {
            Assert.True(recorded == actual,
                $"{name}.mlpckpt resumed for {GoldenTask.ResumeEpochs} epochs under {isa} gave parameter hash {actual}; the golden commit recorded {recorded}.");
            return;
        }
        var again = task.Resume(ml, loadedZip, Data, MlpModelParameters.Load(Path.Combine(Folder, task.CheckpointFile)));
        Assert.Equal(actual, BitHash.OfNetwork(again.CopyNetwork()));
        output.WriteLine($"No resumed hash is recorded for instruction set {isa}; checked only that two resumes agree ({actual}).");
    }

    [Fact]
    public void StockModelLoadInAFreshProcessPredictsTheRecordedValues()
    {
        // tests/MLNet.Mlp.ModelLoadCheck loads all three zips with a fresh MLContext in one child process, scores the
        // recorded rows (saved here with SaveAsBinary) and writes ModelReport's lines, floats in round-trip form.
        var ml = new MLContext();
        var inputs = new List<string>();
        try
        {
            var jobs = new List<(string, string)>();
            foreach (var task in GoldenTask.All)
            {
                var (_, expected) = Read(task.Name);
                string idv = Path.Combine(Path.GetTempPath(), $"mlnet-mlp-golden-{Guid.NewGuid():N}.idv");
                inputs.Add(idv);
                using (var stream = File.Create(idv))
                    ml.Data.SaveAsBinary(task.RecordedInput(ml, expected), stream, keepHidden: false);
                jobs.Add((Path.Combine(Folder, task.ZipFile), idv));
            }
            var reports = ModelLoadCheckProcess.RunPipelines(jobs);
            for (int i = 0; i < GoldenTask.All.Count; i++)
            {
                var (task, expected) = Read(GoldenTask.All[i].Name);
                var report = reports[i].Select(l => l.Split('\t')).ToArray();
                foreach (string column in new[] { "Score", "Probability", "PredictedLabel" })
                {
                    if (!expected.StockLoad.TryGetValue(column, out var recorded)) continue;
                    var loaded = report.Where(l => l[0] == column).Select(l => ReportValue(l[2], expected, column)).ToList();
                    AssertSameRows($"{task.ZipFile} loaded in a fresh process, column {column}", recorded, loaded);
                }
                var engineScores = report.Where(l => l[0] == "engine").Select(l => ReportValue(l[2], expected, "Score")).ToList();
                AssertSameRows($"{task.ZipFile} in a fresh process's PredictionEngine, Score", expected.StockLoad["Score"], engineScores);
            }
        }
        finally
        {
            foreach (string f in inputs) File.Delete(f);
        }
    }

    /// <summary>A report value in the recorded form: a float column's values (ModelReport writes them with "R") as bits.</summary>
    private static string ReportValue(string value, GoldenExpected expected, string column)
    {
        string type = expected.Columns.Single(c => c.StartsWith(column + ": ", StringComparison.Ordinal))[(column.Length + 2)..];
        bool floats = type == "Single" || type.StartsWith("Vector<Single,", StringComparison.Ordinal);
        return floats ? BitHash.Hex(value.Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()) : value;
    }

    private static (GoldenTask Task, GoldenExpected Expected) Read(string name)
    {
        var task = GoldenTask.Get(name);
        string path = Path.Combine(Folder, task.ExpectedFile);
        Assert.True(File.Exists(path), $"{path} is missing: the test project copies tests/MLNet.Mlp.Tests/Golden/** to its output.");
        return (task, GoldenExpected.Read(path));
    }

    /// <summary>Equal row by row, as recorded strings (exact bits for floats); the first difference is named with both values.</summary>
    private static void AssertSameRows(string what, IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        Assert.True(expected.Count == actual.Count, $"{what}: {actual.Count} values, recorded {expected.Count}.");
        for (int i = 0; i < expected.Count; i++)
        {
            if (expected[i] == actual[i]) continue;
            Assert.Fail($"{what}, row {i}: {actual[i]} ({Decode(actual[i])}), recorded {expected[i]} ({Decode(expected[i])}).");
        }
    }

    private static string Decode(string value)
    {
        try
        {
            return string.Join(" ", BitHash.FromHex(value).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        }
        catch (FormatException)
        {
            return value;
        }
    }

    /// <summary>The Score a PredictionEngine over <paramref name="model"/> gives for each recorded row, as bits.</summary>
    private static List<string> PredictionEngineScores(MLContext ml, ITransformer model, GoldenTask task, GoldenExpected expected, DataViewSchema scored)
    {
        bool vector = scored["Score"].Type is VectorDataViewType;
        return (task.BooleanLabel, vector) switch
        {
            (false, true) => Scores<SingleLabelInput, VectorScore>(ml, model, task, expected, scored, (f, l) => new() { Features = f, Label = l }, o => o.Score),
            (false, false) => Scores<SingleLabelInput, ScalarScore>(ml, model, task, expected, scored, (f, l) => new() { Features = f, Label = l }, o => [o.Score]),
            (true, true) => Scores<BooleanLabelInput, VectorScore>(ml, model, task, expected, scored, (f, l) => new() { Features = f, Label = l == 1f }, o => o.Score),
            (true, false) => Scores<BooleanLabelInput, ScalarScore>(ml, model, task, expected, scored, (f, l) => new() { Features = f, Label = l == 1f }, o => [o.Score]),
        };
    }

    private static List<string> Scores<TInput, TOutput>(MLContext ml, ITransformer model, GoldenTask task, GoldenExpected expected, DataViewSchema scored,
        Func<float[], float, TInput> input, Func<TOutput, float[]> score)
        where TInput : class
        where TOutput : class, new()
    {
        var inputDefinition = SchemaDefinition.Create(typeof(TInput));
        inputDefinition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, task.FeatureCount);
        var outputDefinition = SchemaDefinition.Create(typeof(TOutput));
        if (scored["Score"].Type is VectorDataViewType vector) outputDefinition["Score"].ColumnType = vector;
        var engine = ml.Model.CreatePredictionEngine<TInput, TOutput>(model, ignoreMissingColumns: true,
            inputSchemaDefinition: inputDefinition, outputSchemaDefinition: outputDefinition);
        return expected.Rows
            .Select(r => engine.Predict(input(BitHash.FromHex(r.Features), BitHash.FromHex(r.Label)[0])))
            .Select(o => BitHash.Hex(score(o)))
            .ToList();
    }

    private sealed class SingleLabelInput
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    private sealed class BooleanLabelInput
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    private sealed class VectorScore
    {
        public float[] Score { get; set; } = [];
    }

    private sealed class ScalarScore
    {
        public float Score { get; set; }
    }
}
