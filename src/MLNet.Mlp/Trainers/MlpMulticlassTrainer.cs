using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.Mlp.Tasks;

namespace MLNet.Mlp.Trainers;

/// <summary>
/// Trains a multilayer perceptron for multiclass classification: hidden layers with the chosen activation, a softmax
/// output layer of one unit per class, and categorical cross-entropy fused with the softmax (output delta A − Y).
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term>Task</term><description>Multiclass classification</description></item>
/// <item><term>Label</term><description>Key type (<c>MapValueToKey</c>); rows with a missing key (0) are skipped</description></item>
/// <item><term>Normalization required</term><description>Yes (e.g. <c>NormalizeMinMax</c>)</description></item>
/// <item><term>Caching</term><description>Not needed: the data is read once into memory</description></item>
/// <item><term>Outputs</term><description><c>Score</c> (vector of class probabilities), <c>PredictedLabel</c> (key)</description></item>
/// <item><term>ONNX / <c>Model.Save</c></term><description>Yes</description></item>
/// </list>
/// </remarks>
public sealed class MlpMulticlassTrainer : MlpTrainerBase<MlpMulticlassOptions, MlpMulticlassPredictionTransformer>
{
    /// <summary>Creates the trainer; throws <see cref="ArgumentException"/> for invalid options.</summary>
    /// <param name="options">The options.</param>
    public MlpMulticlassTrainer(MlpMulticlassOptions options) : this(options, null) { }

    /// <summary>Creates the trainer in <paramref name="environment"/>, the context behind a catalog.</summary>
    internal MlpMulticlassTrainer(MlpMulticlassOptions options, IHostEnvironment? environment) : base(options, MlpTaskHead.Multiclass, environment) { }

    private protected override MlpMulticlassPredictionTransformer CreateTransformer(MlpModelParameters model, DataViewSchema trainingSchema)
        => new(model, trainingSchema, Options.FeatureColumnName, Options.LabelColumnName);
}
