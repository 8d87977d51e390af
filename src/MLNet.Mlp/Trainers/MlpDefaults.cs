namespace MLNet.Mlp.Trainers;

/// <summary>
/// The defaults only the ML.NET layer knows, defined once for the options classes and the catalog methods; the
/// training settings' defaults (learning rate, batch size, epochs, hidden layers, seed) are the engine's
/// <see cref="Training.TrainingDefaults"/>.
/// </summary>
internal static class MlpDefaults
{
    /// <summary>The label column: "Label", ML.NET's default.</summary>
    public const string LabelColumnName = "Label";

    /// <summary>The feature column: "Features", ML.NET's default; also the input name of an exported ONNX model.</summary>
    public const string FeatureColumnName = "Features";

    /// <summary>The weight of positive examples relative to negative ones: 1, no reweighting.</summary>
    public const float PositiveInstanceWeight = 1f;

    /// <summary>Whether regression labels are standardized for training: true.</summary>
    public const bool StandardizeLabels = true;

    /// <summary>Whether input features are standardized for training (and folded into the first layer): true.</summary>
    public const bool StandardizeFeatures = true;
}
