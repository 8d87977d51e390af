using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Tests.Custom;
using MLNet.Mlp.Tests.Trainers;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Robustness;

/// <summary>
/// ML.NET's <c>Model.Save(model, schema, path)</c> runs <c>File.Create(path)</c> before any transformer saves itself, so
/// no transformer can keep a failing save from truncating the destination. The library therefore (1) never fails while
/// saving an exportable model (everything is prepared before the first byte reaches ML.NET), (2) reports an unsaveable
/// model (custom activation) when it is trained and through <c>CanExportToOnnx</c>, and (3) offers
/// <c>mlContext.Model.SaveAtomically</c>: the destination is afterwards either a complete loadable model or unchanged.
/// (Loading in a fresh process without registration: SaveLoadInChildProcessTests.)
/// </summary>
public class ModelSaveSafetyTests
{
    /// <summary>A stage whose save fails midway, as any third-party transformer might.</summary>
    private sealed class FailingToSaveTransformer : ITransformer
    {
        public bool IsRowToRowMapper => true;
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inputSchema;
        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => throw new NotSupportedException();
        public IDataView Transform(IDataView input) => input;
        void ICanSaveModel.Save(ModelSaveContext ctx) => throw new IOException("Injected failure while saving a stage.");
    }

    private static (MLContext Ml, IDataView Data) Problem()
    {
        var ml = new MLContext(seed: 1);
        return (ml, ml.Data.LoadFromEnumerable(SyntheticData.SignalAndNoise(60, seed: 2)));
    }

    private static string NewDirectory() => Directory.CreateTempSubdirectory("mlnet-mlp-save-").FullName;

    [Fact]
    public void AnUnsaveableModelIsReportedWhenTrainedAndSaveAtomicallyLeavesThePreviousFileUnchanged()
    {
        var (ml, data) = Problem();
        var logger = new RecordingLogger();
        var custom = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [4], NumberOfEpochs = 2, Activation = new SoftsignActivation(), Logger = logger }).Fit(data);
        Assert.False(custom.Model.CanExportToOnnx);
        Assert.Contains(logger.At(LogLevel.Warning), w => w.Message.Contains("custom activation 'Softsign'", StringComparison.Ordinal));

        var good = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [4], NumberOfEpochs = 2 }).Fit(data);
        Assert.True(good.Model.CanExportToOnnx);
        string directory = NewDirectory();
        try
        {
            string path = Path.Combine(directory, "model.zip");
            ml.Model.SaveAtomically(good, data.Schema, path);
            var previous = File.ReadAllBytes(path);

            var e = Assert.Throws<NotSupportedException>(() => ml.Model.SaveAtomically(custom, data.Schema, path));
            Assert.Contains("'Softsign'", e.Message, StringComparison.Ordinal);
            Assert.Contains("Nothing was written", e.Message, StringComparison.Ordinal);
            Assert.Equal(previous, File.ReadAllBytes(path));
            Assert.Equal(["model.zip"], Directory.GetFiles(directory).Select(Path.GetFileName));

            // Inside a pipeline too, and with no previous file nothing appears.
            var pipeline = ml.Transforms.CopyColumns("Copy", "Features").Fit(data).Append(custom);
            string fresh = Path.Combine(directory, "fresh.zip");
            Assert.Throws<NotSupportedException>(() => ml.Model.SaveAtomically(pipeline, data.Schema, fresh));
            Assert.False(File.Exists(fresh));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void SaveAtomicallyWritesAModelTheStockLoaderReadsWithTheSamePredictions()
    {
        var (ml, data) = Problem();
        var model = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [4], NumberOfEpochs = 3 })).Fit(data);
        string directory = NewDirectory();
        try
        {
            string path = Path.Combine(directory, "model.zip");
            File.WriteAllText(path, "an older file");
            ml.Model.SaveAtomically(model, data.Schema, path);
            var loaded = new MLContext(seed: 9).Model.Load(path, out var schema);
            Assert.Equal(data.Schema.Select(c => c.Name), schema.Select(c => c.Name));
            var expected = model.Transform(data).GetColumn<float>("Probability").ToArray();
            var actual = loaded.Transform(data).GetColumn<float>("Probability").ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-5f);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AnotherStageFailingToSaveLeavesThePreviousModelLoadableWithSaveAtomically()
    {
        var (ml, data) = Problem();
        var good = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [4], NumberOfEpochs = 1 }).Fit(data);
        var broken = new TransformerChain<ITransformer>(good, new FailingToSaveTransformer());
        string directory = NewDirectory();
        try
        {
            string path = Path.Combine(directory, "model.zip");
            ml.Model.SaveAtomically(good, data.Schema, path);
            var previous = File.ReadAllBytes(path);
            Assert.ThrowsAny<Exception>(() => ml.Model.SaveAtomically(broken, data.Schema, path));
            Assert.Equal(previous, File.ReadAllBytes(path));
            Assert.Equal(["model.zip"], Directory.GetFiles(directory).Select(Path.GetFileName));
            _ = ml.Model.Load(path, out _);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void StockModelSaveOfAnUnsaveableModelFailsWithAMessageNamingTheActivationAndTheSafeAlternatives()
    {
        var (ml, data) = Problem();
        var custom = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [4], NumberOfEpochs = 1, Activation = new SoftsignActivation() }).Fit(data);
        using var stream = new MemoryStream();
        var e = Assert.Throws<NotSupportedException>(() => ml.Model.Save(custom, data.Schema, stream));
        Assert.Contains("custom activation 'Softsign'", e.Message, StringComparison.Ordinal);
        Assert.Contains("MlpModelParameters.Save", e.Message, StringComparison.Ordinal);
        Assert.Contains("SaveAtomically", e.Message, StringComparison.Ordinal);
    }
}
