using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.Mlp.Tasks;

namespace MLNet.Mlp.Trainers;

/// <summary>
/// Trains a multilayer perceptron for regression: hidden layers, an identity output layer with one unit per label
/// value, and squared error (½ convention). A vector label gives multi-output regression, which no stock ML.NET
/// trainer offers.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term>Task</term><description>Regression (single or multi-output)</description></item>
/// <item><term>Label</term><description>Single, or a known-size vector of Single; rows with a NaN label are skipped</description></item>
/// <item><term>Normalization required</term><description>Yes for features; labels are standardized internally by default</description></item>
/// <item><term>Outputs</term><description><c>Score</c> (Single, or vector)</description></item>
/// <item><term>ONNX / <c>Model.Save</c></term><description>Yes</description></item>
/// </list>
/// </remarks>
public sealed class MlpRegressionTrainer : MlpTrainerBase<MlpRegressionOptions, MlpRegressionPredictionTransformer>
{
    /// <summary>Creates the trainer; throws <see cref="ArgumentException"/> for invalid options.</summary>
    /// <param name="options">The options.</param>
    public MlpRegressionTrainer(MlpRegressionOptions options) : this(options, null) { }

    /// <summary>Creates the trainer in <paramref name="environment"/>, the context behind a catalog.</summary>
    internal MlpRegressionTrainer(MlpRegressionOptions options, IHostEnvironment? environment) : base(options, MlpTaskHead.Regression, environment) { }

    private protected override MlpRegressionPredictionTransformer CreateTransformer(MlpModelParameters model, DataViewSchema trainingSchema)
        => new(model, trainingSchema, Options.FeatureColumnName);
}
