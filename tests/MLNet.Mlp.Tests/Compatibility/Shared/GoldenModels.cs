using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Activations;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Schedules;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Compatibility;

/// <summary>
/// The golden models: one pipeline per task, trained once with the code of the golden commit and committed under
/// tests/MLNet.Mlp.Tests/Golden/v1 as a stock <c>mlContext.Model.Save</c> zip, a full checkpoint
/// (<see cref="MlpModelParameters.Save(string)"/>) and a JSON file of everything they produce (exact float bits).
/// The benchmark console's <c>golden</c> command writes them; GoldenModelTests checks them. Linked into both projects.
/// </summary>
internal sealed class GoldenTask
{
    /// <summary>How many rows of each table are scored and recorded.</summary>
    public const int RecordedRowCount = 20;

    /// <summary>Epochs a checkpoint is resumed for.</summary>
    public const int ResumeEpochs = 2;

    private readonly Func<MLContext, IEstimator<ITransformer>> _preprocessing;
    private readonly Func<MLContext, IEstimator<ITransformer>>? _postprocessing;
    private readonly Func<int, MlpOptionsBase> _options;

    private GoldenTask(string name, string csvFile, int featureCount, bool booleanLabel, Func<MLContext, IEstimator<ITransformer>> preprocessing,
        Func<int, MlpOptionsBase> options, Func<MLContext, IEstimator<ITransformer>>? postprocessing = null)
    {
        Name = name;
        CsvFile = csvFile;
        FeatureCount = featureCount;
        BooleanLabel = booleanLabel;
        _preprocessing = preprocessing;
        _options = options;
        _postprocessing = postprocessing;
    }

    /// <summary>"multiclass", "binary" or "regression": the stem of the golden files' names.</summary>
    public string Name { get; }

    /// <summary>The table in samples/data/tabular it trains on (all rows).</summary>
    public string CsvFile { get; }

    public int FeatureCount { get; }

    public bool BooleanLabel { get; }

    public string ZipFile => Name + ".zip";

    public string CheckpointFile => Name + ".mlpckpt";

    public string ExpectedFile => Name + ".expected.json";

    /// <summary>Epochs of the golden training run.</summary>
    public int Epochs { get; private init; }

    // StandardizeFeatures is off in every task: the golden files predate it.
    public static IReadOnlyList<GoldenTask> All { get; } =
    [
        // Iris: labels to keys, standardized features, two Tanh layers with batch norm (the option applies to every
        // hidden layer) and dropout, Adam with a warm-up then cosine schedule; keys mapped back to the label values.
        new("multiclass", "iris.csv", 4, booleanLabel: false,
            ml => ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.NormalizeMeanVariance("Features")),
            epochs => new MlpMulticlassOptions
            {
                HiddenLayers = [16, 8], Activation = Activation.Tanh, BatchNormalization = true, DropoutRate = 0.1f,
                Optimizer = new AdamOptimizer(), LearningRate = 0.02f, Schedule = new WarmupSchedule(2, new CosineAnnealingSchedule(20, 1e-4f)),
                BatchSize = 16, NumberOfEpochs = epochs, Seed = 7, StandardizeFeatures = false,
            },
            ml => ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel")) { Epochs = 20 },
        // Breast cancer: min-max scaled features, GELU layers with dropout, AdamW, step decay, a positive-class weight
        // and clipping by norm.
        new("binary", "breast-cancer.csv", 30, booleanLabel: true,
            ml => ml.Transforms.NormalizeMinMax("Features"),
            epochs => new MlpBinaryOptions
            {
                HiddenLayers = [16, 8], Activation = Activation.Gelu, DropoutRate = 0.1f,
                Optimizer = new AdamWOptimizer(weightDecay: 0.01f), LearningRate = 0.005f, Schedule = new StepDecaySchedule(5, 0.5f),
                PositiveInstanceWeight = 1.5f, GradientClipNorm = 1f, BatchSize = 32, NumberOfEpochs = epochs, Seed = 7, StandardizeFeatures = false,
            }) { Epochs = 15 },
        // Diabetes: standardized features, SiLU layers with batch norm, Nesterov SGD, cosine annealing per step, L2,
        // standardized labels (folded into the saved model).
        new("regression", "diabetes.csv", 10, booleanLabel: false,
            ml => ml.Transforms.NormalizeMeanVariance("Features"),
            epochs => new MlpRegressionOptions
            {
                HiddenLayers = [16, 8], Activation = Activation.Silu, BatchNormalization = true,
                Optimizer = new SgdOptimizer(momentum: 0.9f, nesterov: true), LearningRate = 0.01f,
                Schedule = new CosineAnnealingSchedule(200, 1e-4f), ScheduleUnit = ScheduleUnit.Step,
                L2Regularization = 1e-4f, StandardizeLabels = true, BatchSize = 32, NumberOfEpochs = epochs, Seed = 7, StandardizeFeatures = false,
            }) { Epochs = 20 },
    ];

    public static GoldenTask Get(string name) => All.Single(t => t.Name == name);

    /// <summary>The recorded rows: <see cref="RecordedRowCount"/> rows spread evenly over the table (every class of iris).</summary>
    public static int[] RecordedRows(int tableRows) => Enumerable.Range(0, RecordedRowCount).Select(i => i * tableRows / RecordedRowCount).ToArray();

    /// <summary>The whole table as a user loads it: ML.NET's text loader, Features 0..F−1 and Label (Single or Boolean).</summary>
    public IDataView LoadTable(MLContext ml, CompatibilityData data) => ml.Data.LoadFromTextFile(
        data.TabularPath(CsvFile),
        [
            new TextLoader.Column("Features", DataKind.Single, 0, FeatureCount - 1),
            new TextLoader.Column("Label", BooleanLabel ? DataKind.Boolean : DataKind.Single, FeatureCount),
        ],
        separatorChar: ',',
        hasHeader: true);

    /// <summary>The golden pipeline: preprocessing, the MLP trainer, postprocessing.</summary>
    public IEstimator<ITransformer> Pipeline(MLContext ml)
    {
        var pipeline = _preprocessing(ml).Append(Trainer(ml, Epochs));
        return _postprocessing is null ? pipeline : pipeline.Append(_postprocessing(ml));
    }

    /// <summary>The task's MLP trainer with the golden options and <paramref name="epochs"/> epochs.</summary>
    public IEstimator<ITransformer> Trainer(MLContext ml, int epochs) => _options(epochs) switch
    {
        MlpMulticlassOptions o => ml.MulticlassClassification.Trainers.Mlp(o),
        MlpBinaryOptions o => ml.BinaryClassification.Trainers.Mlp(o),
        MlpRegressionOptions o => ml.Regression.Trainers.Mlp(o),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>
    /// Continues <paramref name="checkpoint"/> for <see cref="ResumeEpochs"/> epochs with <c>trainer.Fit(data, checkpoint)</c>
    /// on the whole table, preprocessed by the golden zip as stock <c>Model.Load</c> reads it (so the trainer sees exactly the
    /// features it was trained on, whatever ML.NET's normalizers would fit today).
    /// </summary>
    public MlpModelParameters Resume(MLContext ml, ITransformer loadedZip, CompatibilityData data, MlpModelParameters checkpoint)
    {
        var input = loadedZip.Transform(LoadTable(ml, data));
        return _options(ResumeEpochs) switch
        {
            MlpMulticlassOptions o => ml.MulticlassClassification.Trainers.Mlp(o).Fit(input, checkpoint).Model,
            MlpBinaryOptions o => ml.BinaryClassification.Trainers.Mlp(o).Fit(input, checkpoint).Model,
            MlpRegressionOptions o => ml.Regression.Trainers.Mlp(o).Fit(input, checkpoint).Model,
            _ => throw new InvalidOperationException(),
        };
    }

    /// <summary>The recorded rows as an IDataView with columns Features and Label, built from the recorded bits.</summary>
    public IDataView RecordedInput(MLContext ml, GoldenExpected expected)
    {
        var features = expected.Rows.Select(r => BitHash.FromHex(r.Features)).ToArray();
        var labels = expected.Rows.Select(r => BitHash.FromHex(r.Label)[0]).ToArray();
        if (BooleanLabel)
        {
            var definition = SchemaDefinition.Create(typeof(BooleanRow));
            definition[nameof(BooleanRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, FeatureCount);
            return ml.Data.LoadFromEnumerable(features.Select((f, i) => new BooleanRow { Features = f, Label = labels[i] == 1f }).ToArray(), definition);
        }
        else
        {
            var definition = SchemaDefinition.Create(typeof(SingleRow));
            definition[nameof(SingleRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, FeatureCount);
            return ml.Data.LoadFromEnumerable(features.Select((f, i) => new SingleRow { Features = f, Label = labels[i] }).ToArray(), definition);
        }
    }

    private sealed class SingleRow
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    private sealed class BooleanRow
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }
}

/// <summary>What a scored IDataView holds, as text the golden files compare exactly.</summary>
internal static class GoldenOutputs
{
    /// <summary>Each visible column's name and a type description built here (not ML.NET's ToString, which may change).</summary>
    public static List<string> Columns(DataViewSchema schema) =>
        schema.Where(c => !c.IsHidden).Select(c => $"{c.Name}: {Describe(c.Type)}").ToList();

    /// <summary>"Single", "Boolean", "Text", "Vector<Single, 4>", "Key<UInt32, 3>".</summary>
    public static string Describe(DataViewType type) => type switch
    {
        VectorDataViewType v => $"Vector<{Describe(v.ItemType)}, {v.Size}>",
        KeyDataViewType k => $"Key<{k.RawType.Name}, {k.Count}>",
        TextDataViewType => "Text",
        _ => type.RawType.Name,
    };

    /// <summary>Every value of every visible column, row by row: floats as exact bits (hex), keys as numbers.</summary>
    public static Dictionary<string, List<string>> Values(IDataView scored)
    {
        var result = new Dictionary<string, List<string>>();
        foreach (var column in scored.Schema.Where(c => !c.IsHidden))
            result[column.Name] = ValuesOf(scored, column).ToList();
        return result;
    }

    private static IEnumerable<string> ValuesOf(IDataView view, DataViewSchema.Column column) => column.Type switch
    {
        VectorDataViewType { ItemType: var item } when item == NumberDataViewType.Single => view.GetColumn<float[]>(column.Name).Select(v => BitHash.Hex(v)),
        var t when t == NumberDataViewType.Single => view.GetColumn<float>(column.Name).Select(BitHash.Hex),
        BooleanDataViewType => view.GetColumn<bool>(column.Name).Select(b => b ? "True" : "False"),
        KeyDataViewType => view.GetColumn<uint>(column.Name).Select(k => k.ToString(CultureInfo.InvariantCulture)),
        TextDataViewType => view.GetColumn<string>(column.Name),
        var t => throw new NotSupportedException($"Column {column.Name} of type {t} is not recorded."),
    };

    /// <summary>The engine's outputs (<see cref="Networks.Network.Predict"/>, one row per call as the PredictionEngine path
    /// scores) for each input row, as exact bits.</summary>
    public static List<string> EngineOutputs(MlpModelParameters model, IReadOnlyList<float[]> inputs)
    {
        var network = model.CopyNetwork();
        var outputs = new List<string>();
        var output = new float[network.OutputSize];
        foreach (var input in inputs)
        {
            network.Predict(input, output, 1);
            outputs.Add(BitHash.Hex(output));
        }
        return outputs;
    }

    public static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}

/// <summary>The contents of a golden task's <c>*.expected.json</c>.</summary>
internal sealed class GoldenExpected
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Readable: "Vector<Single, 4>" rather than "Vector\u003CSingle, 4\u003E" (the files are only read by these tests).
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>How the files were made.</summary>
    public string About { get; set; } = "";

    public string Task { get; set; } = "";

    /// <summary>The ML.NET version the files were written with.</summary>
    public string MlNetVersion { get; set; } = "";

    /// <summary>The instruction set the models were trained under (their weights depend on it).</summary>
    public string TrainedUnder { get; set; } = "";

    /// <summary>The CPU the values were recorded on. ONNX Runtime, which scores the stock-loaded zip, picks its kernels from
    /// the CPU itself (not from the DOTNET_ switches), so on another CPU family the last bits of those values could differ.</summary>
    public string RecordedOn { get; set; } = "";

    public string ZipSha256 { get; set; } = "";

    public string CheckpointSha256 { get; set; } = "";

    /// <summary>The scored rows: index in the table, raw features and label (exact bits).</summary>
    public List<GoldenRow> Rows { get; set; } = [];

    /// <summary>Visible output columns of the stock-loaded zip on the recorded rows (see <see cref="GoldenOutputs.Columns"/>).</summary>
    public List<string> Columns { get; set; } = [];

    /// <summary>Every value of those columns (see <see cref="GoldenOutputs.Values"/>); independent of the .NET instruction set
    /// (ONNX Runtime scores the loaded model).</summary>
    public Dictionary<string, List<string>> StockLoad { get; set; } = [];

    public GoldenCheckpoint Checkpoint { get; set; } = new();

    /// <summary>Per instruction set: the engine's outputs for each recorded row's preprocessed features (the stock-loaded
    /// zip's Features column), from the loaded checkpoint's network.</summary>
    public Dictionary<string, List<string>> Engine { get; set; } = [];

    /// <summary>Per instruction set: the parameter hash after resuming the checkpoint for <see cref="GoldenTask.ResumeEpochs"/> epochs.</summary>
    public Dictionary<string, string> ResumedParameterHash { get; set; } = [];

    public static GoldenExpected Read(string path) =>
        JsonSerializer.Deserialize<GoldenExpected>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} is empty.");

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");
}

internal sealed class GoldenRow
{
    public int Index { get; set; }

    public string Features { get; set; } = "";

    public string Label { get; set; } = "";
}

/// <summary>What the checkpoint holds, as <see cref="MlpModelParameters.Load(string, Func{string, float, IActivation?}?)"/> reads it.</summary>
internal sealed class GoldenCheckpoint
{
    public string Task { get; set; } = "";

    public string Architecture { get; set; } = "";

    public int FeatureCount { get; set; }

    public int OutputCount { get; set; }

    public int Epochs { get; set; }

    /// <summary><see cref="BitHash.OfNetwork"/> of the checkpoint's network.</summary>
    public string ParameterHash { get; set; } = "";

    /// <summary>Every trainable parameter (<c>Network.Parameters</c>), exact bits.</summary>
    public string Parameters { get; set; } = "";

    /// <summary>The batch-norm running statistics (<c>Network.State</c>), exact bits.</summary>
    public string State { get; set; } = "";

    public static GoldenCheckpoint Of(MlpModelParameters model)
    {
        var network = model.CopyNetwork();
        return new GoldenCheckpoint
        {
            Task = model.Task.ToString(),
            Architecture = model.Architecture,
            FeatureCount = model.FeatureCount,
            OutputCount = model.OutputCount,
            Epochs = model.History.Count,
            ParameterHash = BitHash.OfNetwork(network),
            Parameters = BitHash.Hex(network.Parameters.Span),
            State = BitHash.Hex(network.State.Span),
        };
    }
}
