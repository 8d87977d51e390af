using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Trainers;

/// <summary>
/// The estimator-level output schema. <c>SchemaShape.Column</c>'s constructor is internal, so the shape is taken from
/// a stock trainer of the same task, which declares exactly the columns our transformer adds and checks the
/// label and feature types on the way. Nothing is trained.
/// </summary>
internal static class MlpOutputSchema
{
    private static readonly MLContext Context = new(seed: 0);

    public static SchemaShape For(MlpTask task, SchemaShape input, MlpOptionsBase options)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!Has(input, options.FeatureColumnName))
            throw new ArgumentOutOfRangeException(nameof(input), $"Feature column '{options.FeatureColumnName}' was not found in the input schema.");
        if (!Has(input, options.LabelColumnName))
            throw new ArgumentOutOfRangeException(nameof(input), $"Label column '{options.LabelColumnName}' was not found in the input schema.");
        CheckLabelAndFeatures(task, input, options);
        lock (Context)
        {
            return task switch
            {
                MlpTask.MulticlassClassification => Context.MulticlassClassification.Trainers.SdcaMaximumEntropy(options.LabelColumnName, options.FeatureColumnName, options.ExampleWeightColumnName).GetOutputSchema(input),
                MlpTask.BinaryClassification => Context.BinaryClassification.Trainers.SdcaLogisticRegression(options.LabelColumnName, options.FeatureColumnName, options.ExampleWeightColumnName).GetOutputSchema(input),
                _ => RegressionShape(input, options),
            };
        }
    }

    private static SchemaShape RegressionShape(SchemaShape input, MlpOptionsBase options)
    {
        var label = input.First(c => c.Name == options.LabelColumnName);
        if (label.Kind == SchemaShape.Column.VectorKind.Scalar)
            return Context.Regression.Trainers.Sdca(options.LabelColumnName, options.FeatureColumnName, options.ExampleWeightColumnName).GetOutputSchema(input);
        // Multi-output regression: no stock trainer declares a vector Score; the closest public route is to let a stock
        // transform append a Score column of the label's shape.
        var copy = Context.Transforms.CopyColumns("Score", options.LabelColumnName);
        return copy.GetOutputSchema(input);
    }

    // Our own checks first, with the same advice as when the data is read: the stock trainers' checks below would
    // otherwise answer a float multiclass label with a bare "Schema mismatch" that never mentions MapValueToKey.
    private static void CheckLabelAndFeatures(MlpTask task, SchemaShape input, MlpOptionsBase options)
    {
        var features = input.First(c => c.Name == options.FeatureColumnName);
        if (features.Kind != SchemaShape.Column.VectorKind.Vector || features.IsKey || features.ItemType != NumberDataViewType.Single)
            throw new ArgumentException($"Feature column '{features.Name}' has type {Describe(features)}, but the MLP needs a known-size vector of Single (use ml.Transforms.Concatenate to build one).", nameof(input));
        var label = input.First(c => c.Name == options.LabelColumnName);
        switch (task)
        {
            case MlpTask.MulticlassClassification when !label.IsKey || label.Kind != SchemaShape.Column.VectorKind.Scalar:
                throw new ArgumentException($"Label column '{label.Name}' has type {Describe(label)}, but multiclass classification needs a key type. "
                    + $"Add ml.Transforms.Conversion.MapValueToKey(\"{label.Name}\") before the trainer.", nameof(input));
            case MlpTask.BinaryClassification when label.IsKey || label.Kind != SchemaShape.Column.VectorKind.Scalar || label.ItemType != BooleanDataViewType.Instance:
                throw new ArgumentException($"Label column '{label.Name}' has type {Describe(label)}, but binary classification needs a Boolean label.", nameof(input));
            case MlpTask.Regression when label.IsKey || label.Kind == SchemaShape.Column.VectorKind.VariableVector || label.ItemType != NumberDataViewType.Single:
                throw new ArgumentException($"Label column '{label.Name}' has type {Describe(label)}, but regression needs a Single or a known-size vector of Single.", nameof(input));
        }
    }

    private static string Describe(SchemaShape.Column column)
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
