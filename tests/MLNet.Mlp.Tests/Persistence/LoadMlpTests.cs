using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Persistence;
using MLNet.Mlp.Tests.Compatibility;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Persistence;

/// <summary>
/// <c>mlContext.Model.LoadMlp</c> reads the zip that stock <c>Model.Save</c> wrote and gives back the trained MLP
/// transformer (type, annotations, bit-identical predictions) inside the rest of the pipeline; it survives the
/// PredictionEngine dispose sequence that ends a stock-loaded model's ONNX session; it refuses a zip whose ONNX entry
/// was corrupted. The three golden pipelines (Compatibility/Shared/GoldenModels.cs) are trained here with today's code.
/// </summary>
public class LoadMlpTests : IClassFixture<LoadMlpTests.TrainedPipelines>
{
    private readonly TrainedPipelines _trained;

    public LoadMlpTests(TrainedPipelines trained) => _trained = trained;

    public static TheoryData<string> Tasks => new(GoldenTask.All.Select(t => t.Name));

    /// <summary>Each golden pipeline trained once and saved with stock <c>Model.Save</c> to a real file.</summary>
    public sealed class TrainedPipelines : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("mlnet-mlp-loadmlp-").FullName;

        public TrainedPipelines()
        {
            var data = new CompatibilityData(TestData.Root);
            foreach (var task in GoldenTask.All)
            {
                var ml = new MLContext(seed: 0);
                var table = task.LoadTable(ml, data);
                var model = task.Pipeline(ml).Fit(table);
                string path = Path.Combine(_directory, task.ZipFile);
                ml.Model.Save(model, table.Schema, path);
                Pipelines[task.Name] = (model, table, path);
            }
        }

        public Dictionary<string, (ITransformer Model, IDataView Table, string Path)> Pipelines { get; } = [];

        public void Dispose() => Directory.Delete(_directory, recursive: true);
    }

    internal static IEnumerable<ITransformer> Stages(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(Stages) : [model];

    [Theory]
    [MemberData(nameof(Tasks))]
    public void LoadMlpGivesBackTheTrainedTransformerTypeWithTheSameWeights(string name)
    {
        var (trained, _, path) = _trained.Pipelines[name];
        var loaded = new MLContext().Model.LoadMlp(path, out _);

        var trainedMlp = Stages(trained).OfType<MlpPredictionTransformer>().Single();
        var loadedMlp = Stages(loaded).OfType<MlpPredictionTransformer>().Single();
        Assert.Equal(trainedMlp.GetType(), loadedMlp.GetType());
        Assert.Equal(Stages(trained).Select(s => s.GetType().Name), Stages(loaded).Select(s => s.GetType().Name));
        Assert.Equal(trainedMlp.FeatureColumnName, loadedMlp.FeatureColumnName);
        Assert.Equal(trainedMlp.Model.Architecture, loadedMlp.Model.Architecture);
        Assert.Equal(BitHash.OfNetwork(trainedMlp.Model.CopyNetwork()), BitHash.OfNetwork(loadedMlp.Model.CopyNetwork()));
        Assert.Equal(trainedMlp.Model.History.Count, loadedMlp.Model.History.Count);
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void LoadMlpScoresBitForBitLikeTheTrainedPipelineWithTheSameColumnsAndAnnotations(string name)
    {
        var (trained, table, path) = _trained.Pipelines[name];
        var loaded = new MLContext().Model.LoadMlp(path, out var inputSchema);
        Assert.Equal(GoldenOutputs.Columns(table.Schema), GoldenOutputs.Columns(inputSchema));

        var expected = trained.Transform(table);
        var actual = loaded.Transform(table);
        Assert.Equal(GoldenOutputs.Columns(expected.Schema), GoldenOutputs.Columns(actual.Schema));
        foreach (var column in expected.Schema.Where(c => !c.IsHidden))
        {
            var other = actual.Schema[column.Name];
            Assert.Equal(column.Annotations.Schema.Select(a => a.Name), other.Annotations.Schema.Select(a => a.Name));
            foreach (var annotation in column.Annotations.Schema)
                Assert.Equal(AnnotationText(column, annotation), AnnotationText(other, annotation));
        }
        Assert.Equal(GoldenOutputs.Values(expected), GoldenOutputs.Values(actual));
    }

    [Fact]
    public void LoadMlpKeepsTheMulticlassScoreSlotNamesThatStockLoadLoses()
    {
        var (trained, table, path) = _trained.Pipelines["multiclass"];
        var ml = new MLContext();
        var trainedScore = trained.Transform(table).Schema["Score"];
        var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
        trainedScore.GetSlotNames(ref slotNames);
        Assert.Equal(3, slotNames.Length);

        var loadedScore = ml.Model.LoadMlp(path, out _).Transform(table).Schema["Score"];
        var loadedNames = default(VBuffer<ReadOnlyMemory<char>>);
        loadedScore.GetSlotNames(ref loadedNames);
        Assert.Equal(slotNames.DenseValues().Select(v => v.ToString()), loadedNames.DenseValues().Select(v => v.ToString()));
        Assert.False(ml.Model.Load(path, out _).Transform(table).Schema["Score"].HasSlotNames());
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void AModelFromLoadMlpKeepsScoringAfterThePredictionEnginesMadeFromItAreDisposed(string name)
    {
        var (trained, table, path) = _trained.Pipelines[name];
        var ml = new MLContext();
        var loaded = ml.Model.LoadMlp(path, out _);
        var expected = GoldenOutputs.Values(trained.Transform(table))["Score"];
        for (int round = 0; round < 3; round++)
        {
            // OwnsTransformer defaults to true: disposing the engine disposes the model it was made from.
            Assert.Equal(expected, EngineScores(ml, loaded, table));
        }
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void AGoldenZipWithoutASealLoadsWithLoadMlpScoresLikeStockLoadAndSurvivesDisposedEngines(string name)
    {
        var task = GoldenTask.Get(name);
        string path = Path.Combine(AppContext.BaseDirectory, "Golden", "v1", task.ZipFile);
        var ml = new MLContext();
        var expected = GoldenExpected.Read(Path.Combine(AppContext.BaseDirectory, "Golden", "v1", task.ExpectedFile));
        var input = task.RecordedInput(ml, expected);

        var loaded = ml.Model.LoadMlp(path, out _);
        var values = GoldenOutputs.Values(loaded.Transform(input));
        foreach (var (column, recorded) in expected.StockLoad)
            Assert.Equal(recorded, values[column]);
        for (int round = 0; round < 3; round++)
            Assert.Equal(expected.StockLoad["Score"], EngineScores(ml, loaded, input));
    }

    [Fact]
    public void AMultiOutputRegressionModelComesBackNativeAndBitIdentical()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(4);
        var features = Enumerable.Range(0, 40 * 3).Select(_ => (float)random.NextDouble()).ToArray();
        var labels = Enumerable.Range(0, 40 * 2).Select(i => features[i / 2 * 3] + (i % 2)).ToArray();
        var data = CompatibilityData.VectorLabels(ml, features, 3, labels, 2);
        var trained = ml.Regression.Trainers.Mlp(new MlpRegressionOptions { HiddenLayers = [4], NumberOfEpochs = 2, Seed = 3 }).Fit(data);
        using var saved = new MemoryStream();
        ml.Model.Save(trained, data.Schema, saved);

        var loaded = new MLContext().Model.LoadMlp(new MemoryStream(saved.ToArray()), out _);
        Assert.IsType<MlpRegressionPredictionTransformer>(Assert.Single(Stages(loaded)));
        Assert.Equal(GoldenOutputs.Values(trained.Transform(data)), GoldenOutputs.Values(loaded.Transform(data)));
    }

    [Fact]
    public void ATransformAfterTheMlpThatKeepsItsColumnsIsLoadedAsItselfNotSwallowedByTheMlp()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Trainers.SyntheticData.SignalAndNoise(40, seed: 2));
        // The normalizer after the MLP replaces Features in place: same column names and types as the MLP's output.
        var trained = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [4], NumberOfEpochs = 2 })
            .Append(ml.Transforms.NormalizeMinMax("Features")).Fit(data);
        using var saved = new MemoryStream();
        ml.Model.Save(trained, data.Schema, saved);

        var loaded = new MLContext().Model.LoadMlp(new MemoryStream(saved.ToArray()), out _);
        Assert.Equal(Stages(trained).Select(s => s.GetType().Name), Stages(loaded).Select(s => s.GetType().Name));
        Assert.Equal(GoldenOutputs.Values(trained.Transform(data)), GoldenOutputs.Values(loaded.Transform(data)));
    }

    [Fact]
    public void ACorruptedOnnxEntryInAnOtherwiseValidZipIsRefusedNamingTheEntry()
    {
        var (_, _, path) = _trained.Pipelines["binary"];
        string corrupted = Path.Combine(Path.GetDirectoryName(path)!, "corrupted-onnx.zip");
        string onnxEntry = RewriteEntry(path, corrupted, e => e.EndsWith("/OnnxModel", StringComparison.Ordinal), bytes =>
        {
            // One bit of one weight: the zip stays valid (its CRCs are recomputed), the graph stays well-formed.
            bytes[bytes.Length / 3] ^= 0x01;
            return bytes;
        });

        var e = Assert.Throws<MlpModelFormatException>(() => new MLContext().Model.LoadMlp(corrupted, out _));
        Assert.Equal(onnxEntry, e.EntryName);
        Assert.Contains(onnxEntry, e.Message, StringComparison.Ordinal);
        Assert.Contains("SHA-256", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEntryWhoseBytesDoNotMatchTheZipsCrcIsRefusedNamingTheEntry()
    {
        var (_, _, path) = _trained.Pipelines["regression"];
        // Stored without compression, so that one byte of the normalizer's entry can be changed in place.
        string stored = Path.Combine(Path.GetDirectoryName(path)!, "stored.zip");
        RewriteEntry(path, stored, _ => false, b => b, CompressionLevel.NoCompression);
        var image = File.ReadAllBytes(stored);
        string entry;
        byte[] content;
        using (var zip = new ZipArchive(new MemoryStream(image), ZipArchiveMode.Read))
        {
            var normalizer = zip.Entries.First(e => e.FullName.Contains("Normalizer", StringComparison.Ordinal) && e.Name == "Model.key");
            entry = normalizer.FullName;
            using var read = normalizer.Open();
            using var buffer = new MemoryStream();
            read.CopyTo(buffer);
            content = buffer.ToArray();
        }
        int at = image.AsSpan().IndexOf(content);
        Assert.True(at > 0);
        image[at + content.Length / 2] ^= 0x10;

        var e = Assert.Throws<MlpModelFormatException>(() => new MLContext().Model.LoadMlp(new MemoryStream(image), out _));
        Assert.Equal(entry, e.EntryName);
        Assert.Contains("CRC-32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASavedBinaryModelLoadedWithLoadMlpInAFreshProcessSurvivesDisposedEngines()
    {
        var (trained, table, path) = _trained.Pipelines["binary"];
        var ml = new MLContext();
        string idv = Path.Combine(Path.GetDirectoryName(path)!, "binary-rows.idv");
        var rows = ml.Data.TakeRows(table, 20);
        using (var stream = File.Create(idv))
            ml.Data.SaveAsBinary(rows, stream, keepHidden: false);
        var expected = trained.Transform(rows).GetColumn<float>("Score").Select(s => s.ToString("R", System.Globalization.CultureInfo.InvariantCulture));

        var report = ModelLoadCheckProcess.Serve(path, idv);
        Assert.Contains(nameof(MlpBinaryPredictionTransformer), report[0], StringComparison.Ordinal);
        Assert.Equal(3, report.Length - 1);
        for (int round = 0; round < 3; round++)
            Assert.Equal($"round\t{round}\t{string.Join(" ", expected)}", report[round + 1]);
    }

    /// <summary>
    /// Scores through a new PredictionEngine that owns <paramref name="model"/>, disposed at the end. The rows carry a
    /// Single Label for the multiclass pipeline, whose first stage maps it to a key.
    /// </summary>
    internal static List<string> EngineScores(MLContext ml, ITransformer model, IDataView data)
    {
        bool vector = model.GetOutputSchema(data.Schema)["Score"].Type is VectorDataViewType;
        return vector ? Scores<VectorScore>(ml, model, data, s => BitHash.Hex(s.Score)) : Scores<ScalarScore>(ml, model, data, s => BitHash.Hex(s.Score));
    }

    private static List<string> Scores<TOut>(MLContext ml, ITransformer model, IDataView data, Func<TOut, string> text)
        where TOut : class, new()
    {
        var features = data.GetColumn<float[]>("Features").ToArray();
        bool singleLabel = data.Schema["Label"].Type == NumberDataViewType.Single;
        var labels = singleLabel ? data.GetColumn<float>("Label").ToArray() : new float[features.Length];
        var definition = SchemaDefinition.Create(typeof(FeatureRow));
        definition[nameof(FeatureRow.Features)].ColumnType = data.Schema["Features"].Type;
        using var engine = ml.Model.CreatePredictionEngine<FeatureRow, TOut>(model, ignoreMissingColumns: true, inputSchemaDefinition: definition);
        return features.Select((f, i) => text(engine.Predict(new FeatureRow { Features = f, Label = labels[i] }))).ToList();
    }

    /// <summary>Copies the zip at <paramref name="source"/> to <paramref name="destination"/>, changing the entries <paramref name="select"/> picks; returns the last changed entry's name.</summary>
    internal static string RewriteEntry(string source, string destination, Func<string, bool> select, Func<byte[], byte[]> change,
        CompressionLevel level = CompressionLevel.Optimal)
    {
        string changed = "";
        using var input = ZipFile.OpenRead(source);
        using var output = ZipFile.Open(destination, ZipArchiveMode.Create);
        foreach (var entry in input.Entries)
        {
            using var read = entry.Open();
            using var buffer = new MemoryStream();
            read.CopyTo(buffer);
            var bytes = buffer.ToArray();
            if (select(entry.FullName))
            {
                bytes = change(bytes);
                changed = entry.FullName;
            }
            using var write = output.CreateEntry(entry.FullName, level).Open();
            write.Write(bytes);
        }
        return changed;
    }

    private static string AnnotationText(DataViewSchema.Column column, DataViewSchema.Column annotation)
    {
        var method = typeof(LoadMlpTests).GetMethod(nameof(AnnotationValue), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(annotation.Type.RawType);
        return (string)method.Invoke(null, [column.Annotations, annotation])!;
    }

    private static string AnnotationValue<T>(DataViewSchema.Annotations annotations, DataViewSchema.Column annotation)
    {
        T value = default!;
        annotations.GetGetter<T>(annotation)(ref value);
        return value switch
        {
            VBuffer<ReadOnlyMemory<char>> text => string.Join("|", text.DenseValues().Select(v => v.ToString())),
            VBuffer<float> floats => string.Join("|", floats.DenseValues()),
            ReadOnlyMemory<char> text => text.ToString(),
            _ => value?.ToString() ?? "",
        };
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];

        /// <summary>Read by the multiclass pipeline's MapValueToKey; ignored by the others (their Label is Boolean or unused).</summary>
        public float Label { get; set; }
    }

    private sealed class ScalarScore
    {
        public float Score { get; set; }
    }

    private sealed class VectorScore
    {
        public float[] Score { get; set; } = [];
    }
}
