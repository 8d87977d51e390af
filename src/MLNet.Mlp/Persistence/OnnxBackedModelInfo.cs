using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Tasks;

namespace MLNet.Mlp.Persistence;

/// <summary>
/// What <see cref="OnnxBackedTransformerFactory"/> needs besides the network to rebuild a predictor's output columns.
/// </summary>
/// <param name="Head">The prediction task.</param>
/// <param name="FeatureColumnName">Name of the input feature column, a <c>Vector&lt;Single, FeatureCount&gt;</c>.</param>
/// <param name="FeatureCount">Number of features.</param>
/// <param name="OutputCount">Width of the network's last layer: 1 for binary, K classes, or the regression outputs.</param>
internal sealed record OnnxBackedModelInfo(MlpTaskHead Head, string FeatureColumnName, int FeatureCount, int OutputCount)
{
    /// <summary>Multiclass: the label's KeyValues, restored on PredictedLabel. Null when the label had none.</summary>
    public KeyValueSet? ClassValues { get; init; }

    /// <summary>
    /// Multiclass info taken from the (key-typed) label column: class count and KeyValues.
    /// </summary>
    public static OnnxBackedModelInfo ForMulticlass(string featureColumnName, int featureCount, DataViewSchema.Column label)
    {
        if (label.Type is not KeyDataViewType key || key.Count is 0 or > int.MaxValue)
            throw new ArgumentException($"The label column '{label.Name}' must be a key type with a known count, not {label.Type}.");
        var classValues = KeyValueSet.FromColumn(label);
        return new OnnxBackedModelInfo(MlpTaskHead.Multiclass, featureColumnName, featureCount, (int)key.Count)
        {
            ClassValues = classValues,
        };
    }

    /// <summary>Throws when the info is inconsistent.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(FeatureColumnName))
            throw new ArgumentException("The feature column needs a name.");
        if (FeatureCount <= 0 || OutputCount <= 0)
            throw new ArgumentException("Feature and output counts must be positive.");
        Head.ValidateOutputCount(OutputCount);
        if (ClassValues is not null && ClassValues.Count != OutputCount)
            throw new ArgumentException($"{ClassValues.Count} class values for {OutputCount} classes.");
    }
}
