using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Tasks;

namespace MLNet.Mlp.Trainers;

/// <summary>
/// The estimator-level output schema. <c>SchemaShape.Column</c>'s constructor is internal, so the task's head takes the
/// shape from a stock trainer of the same task, which declares exactly the columns our transformer adds and checks the
/// label and feature types on the way. Nothing is trained.
/// </summary>
internal static class MlpOutputSchema
{
    private static readonly MLContext Context = new(seed: 0);

    public static SchemaShape For(MlpTaskHead head, SchemaShape input, MlpOptionsBase options)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!Has(input, options.FeatureColumnName))
            throw new ArgumentOutOfRangeException(nameof(input), $"Feature column '{options.FeatureColumnName}' was not found in the input schema.");
        if (!Has(input, options.LabelColumnName))
            throw new ArgumentOutOfRangeException(nameof(input), $"Label column '{options.LabelColumnName}' was not found in the input schema.");
        // Our own checks first, with the same advice as when the data is read: the stock trainers' checks would
        // otherwise answer a float multiclass label with a bare "Schema mismatch" that never mentions MapValueToKey.
        var features = input.First(c => c.Name == options.FeatureColumnName);
        if (features.Kind != SchemaShape.Column.VectorKind.Vector || features.IsKey || features.ItemType != NumberDataViewType.Single)
            throw new ArgumentException($"Feature column '{features.Name}' has type {Describe(features)}, but the MLP needs a known-size vector of Single (use ml.Transforms.Concatenate to build one).", nameof(input));
        head.CheckLabelShape(input.First(c => c.Name == options.LabelColumnName));
        lock (Context)
            return head.OutputShape(Context, input, options);
    }

    /// <summary>A schema-shape column's type as messages write it.</summary>
    public static string Describe(SchemaShape.Column column)
    {
        string item = column.IsKey ? $"Key<{column.ItemType}>" : $"{column.ItemType}";
        return column.Kind switch
        {
            SchemaShape.Column.VectorKind.Vector => $"Vector<{item}>",
            SchemaShape.Column.VectorKind.VariableVector => $"Vector<{item}> of variable size",
            _ => item,
        };
    }

    private static bool Has(SchemaShape shape, string name) => shape.Any(c => c.Name == name);
}
