using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Serving;

/// <summary>
/// The one model the server loads at startup and shares between all requests, and the factory of the prediction
/// engines the pool hands out. Every engine is created with <c>OwnsTransformer = false</c>: ML.NET's
/// <see cref="PredictionEngine{TSrc, TDst}"/> otherwise disposes the model it was made from when the engine is disposed
/// (dotnet/machinelearning#5945), and for a model read by stock <c>ml.Model.Load</c> that ends its ONNX Runtime
/// session, so every later prediction through any engine would fail. The model is read with
/// <c>ml.Model.LoadMlp</c>, which checks the zip and returns the MLP stage as the library's own transformer. The pool
/// disposes the engines it does not keep.
/// </summary>
public sealed class ServingModel : IDisposable
{
    private readonly SchemaDefinition _inputDefinition;

    private ServingModel(MLContext context, ITransformer model, int featureCount, string path)
    {
        Context = context;
        Model = model;
        FeatureCount = featureCount;
        Path = path;
        _inputDefinition = SchemaDefinition.Create(typeof(ModelInput));
        _inputDefinition[nameof(ModelInput.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
    }

    /// <summary>The context the model was loaded with.</summary>
    public MLContext Context { get; }

    /// <summary>The loaded model, shared by every engine.</summary>
    public ITransformer Model { get; }

    /// <summary>The length of the model's <c>Features</c> vector.</summary>
    public int FeatureCount { get; }

    /// <summary>The model file.</summary>
    public string Path { get; }

    /// <summary>
    /// A prediction engine over the shared model that does not own it: disposing the engine leaves the model working.
    /// Each engine serves one request at a time (a <see cref="PredictionEngine{TSrc, TDst}"/> is not thread-safe).
    /// </summary>
    public PredictionEngine<ModelInput, ModelOutput> CreateEngine()
        => Context.Model.CreatePredictionEngine<ModelInput, ModelOutput>(Model, new PredictionEngineOptions
        {
            OwnsTransformer = false,
            InputSchemaDefinition = _inputDefinition,
        });

    /// <summary>
    /// Loads the model file at <see cref="ServingOptions.ModelPath"/>; when there is none, first trains the
    /// breast-cancer model from <see cref="ServingOptions.TrainingData"/> and saves it there. The server always serves
    /// the model as read back from the file, the form it has in any other process.
    /// </summary>
    public static ServingModel LoadOrTrain(ServingOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        string path = System.IO.Path.GetFullPath(options.ModelPath);
        var ml = new MLContext(seed: 0);
        if (!File.Exists(path))
        {
            logger.LogInformation("No model at {Path}: training the breast-cancer model from {Data} ({Epochs} epochs).", path, options.TrainingData, options.TrainingEpochs);
            BreastCancerModel.TrainAndSave(ml, options.TrainingData, options.TrainingEpochs, path);
        }
        var model = Load(ml, path, out var inputSchema);
        try
        {
            int featureCount = FeatureCountOf(inputSchema, path);
            logger.LogInformation("Loaded {Path}: {FeatureCount} features.", path, featureCount);
            return new ServingModel(ml, model, featureCount, path);
        }
        catch
        {
            (model as IDisposable)?.Dispose();
            throw;
        }
    }

    // The library's load path: the zip's integrity is checked, and the MLP stage comes back as the trained transformer
    // type, which holds no native resource an engine could dispose. OwnsTransformer = false stays, so stages of other
    // libraries in a user's pipeline are safe too.
    private static ITransformer Load(MLContext ml, string path, out DataViewSchema inputSchema)
        => ml.Model.LoadMlp(path, out inputSchema);

    private static int FeatureCountOf(DataViewSchema inputSchema, string path)
    {
        var column = inputSchema.GetColumnOrNull(nameof(ModelInput.Features));
        if (column is { Type: VectorDataViewType { ItemType: NumberDataViewType, IsKnownSize: true } vector } && vector.ItemType == NumberDataViewType.Single)
            return vector.Size;
        throw new InvalidOperationException($"{path} does not take a fixed-size Single vector column 'Features'; this server serves binary classifiers over one.");
    }

    /// <summary>Disposes the model (its ONNX Runtime session) when the server stops.</summary>
    public void Dispose() => (Model as IDisposable)?.Dispose();
}
