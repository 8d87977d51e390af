using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.Mlp.Tasks;

namespace MLNet.Mlp.Trainers;

/// <summary>
/// Trains a multilayer perceptron for binary classification: hidden layers, one sigmoid output unit, and binary
/// cross-entropy fused with the sigmoid (computed from the logit; output delta a − y).
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term>Task</term><description>Binary classification</description></item>
/// <item><term>Label</term><description>Boolean</description></item>
/// <item><term>Normalization required</term><description>Yes</description></item>
/// <item><term>Outputs</term><description><c>Score</c> (logit), <c>Probability</c> (sigmoid of the logit), <c>PredictedLabel</c> (probability &gt; 0.5)</description></item>
/// <item><term>ONNX / <c>Model.Save</c></term><description>Yes</description></item>
/// </list>
/// </remarks>
public sealed class MlpBinaryTrainer : MlpTrainerBase<MlpBinaryOptions, MlpBinaryPredictionTransformer>
{
    /// <summary>Creates the trainer; throws <see cref="ArgumentException"/> for invalid options.</summary>
    /// <param name="options">The options.</param>
    public MlpBinaryTrainer(MlpBinaryOptions options) : this(options, null) { }

    /// <summary>Creates the trainer in <paramref name="environment"/>, the context behind a catalog.</summary>
    internal MlpBinaryTrainer(MlpBinaryOptions options, IHostEnvironment? environment) : base(options, MlpTaskHead.Binary, environment) { }

    private protected override MlpBinaryPredictionTransformer CreateTransformer(MlpModelParameters model, DataViewSchema trainingSchema)
        => new(model, trainingSchema, Options.FeatureColumnName);
}
