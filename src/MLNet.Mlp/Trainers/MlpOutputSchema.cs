using Microsoft.ML;

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

    private static bool Has(SchemaShape shape, string name) => shape.Any(c => c.Name == name);
}
