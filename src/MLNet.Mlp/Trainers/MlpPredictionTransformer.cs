using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Scoring;

namespace MLNet.Mlp.Trainers;

/// <summary>
/// A trained MLP as an ML.NET prediction transformer: it appends the task's prediction columns (see
/// <see cref="MlpTask"/>) to its input, works row by row for <c>PredictionEngine</c>, is immutable and thread-safe,
/// and saves through <c>mlContext.Model.Save</c> as a standard ML.NET model holding an ONNX graph (loadable with the
/// stock <c>mlContext.Model.Load</c>, no registration needed).
/// </summary>
public abstract class MlpPredictionTransformer : ISingleFeaturePredictionTransformer<MlpModelParameters>
{
    private protected MlpPredictionTransformer(MlpModelParameters model, DataViewSchema trainingSchema, string featureColumnName, string? labelColumnName = null)
    {
        Model = model;
        LabelColumnName = labelColumnName;
        TrainingSchema = trainingSchema;
        FeatureColumnName = featureColumnName;
        FeatureColumnType = new VectorDataViewType(NumberDataViewType.Single, model.FeatureCount);
    }

    /// <summary>The trained model: layers, weights, history.</summary>
    public MlpModelParameters Model { get; }

    /// <summary>The label column the model was trained on (multiclass), checked against same-named key columns at binding; null otherwise.</summary>
    internal string? LabelColumnName { get; }

    /// <summary>The feature column the model reads.</summary>
    public string FeatureColumnName { get; }

    /// <summary>Its type: a vector of Single of the training width.</summary>
    public DataViewType FeatureColumnType { get; }

    /// <summary>The schema of the data the model was trained on.</summary>
    public DataViewSchema TrainingSchema { get; }

    /// <summary>Always true: the transformer maps rows one to one.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema plus the prediction columns. Throws when the feature column is missing or has another width.</summary>
    /// <param name="inputSchema">The schema to transform.</param>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema).OutputSchema;

    /// <summary>The row mapper that <c>PredictionEngine</c> uses.</summary>
    /// <param name="inputSchema">The schema of the rows to map.</param>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => Bind(inputSchema);

    /// <summary>Lazily scores <paramref name="input"/>: the returned view computes predictions as it is read.</summary>
    /// <param name="input">Data with the feature column.</param>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new MlpScoredDataView(Bind(input.Schema), input);
    }

    /// <summary>Saves the model for <c>mlContext.Model.Save</c>: as a chain of stock ML.NET transforms around the ONNX graph of the network.</summary>
    /// <param name="ctx">ML.NET's save context.</param>
    void ICanSaveModel.Save(ModelSaveContext ctx) => Persistence.MlpModelSaver.Save(this, ctx);

    private MlpBoundMapper Bind(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new MlpBoundMapper(Model, inputSchema, FeatureColumnName, LabelColumnName);
    }
}

/// <summary>A trained multiclass MLP: outputs <c>Score</c> (class probabilities, with class names as slot names) and <c>PredictedLabel</c> (key).</summary>
public sealed class MlpMulticlassPredictionTransformer : MlpPredictionTransformer
{
    internal MlpMulticlassPredictionTransformer(MlpModelParameters model, DataViewSchema trainingSchema, string featureColumnName, string labelColumnName)
        : base(model, trainingSchema, featureColumnName, labelColumnName) { }
}

/// <summary>A trained binary MLP: outputs <c>Score</c> (logit), <c>Probability</c> and <c>PredictedLabel</c> (Boolean).</summary>
public sealed class MlpBinaryPredictionTransformer : MlpPredictionTransformer
{
    internal MlpBinaryPredictionTransformer(MlpModelParameters model, DataViewSchema trainingSchema, string featureColumnName)
        : base(model, trainingSchema, featureColumnName) { }
}

/// <summary>A trained regression MLP: outputs <c>Score</c> (a Single, or a vector for multi-output regression).</summary>
public sealed class MlpRegressionPredictionTransformer : MlpPredictionTransformer
{
    internal MlpRegressionPredictionTransformer(MlpModelParameters model, DataViewSchema trainingSchema, string featureColumnName)
        : base(model, trainingSchema, featureColumnName) { }
}
