using Microsoft.ML.Data;

namespace MLNet.Mlp.Serving;

/// <summary>The body of <c>POST /predict</c>: one row's feature values, in the order of the training file's columns.</summary>
/// <param name="Features">The feature values; the model fixes how many (30 for the breast-cancer model).</param>
public sealed record PredictRequest(float[]? Features);

/// <summary>The answer of <c>POST /predict</c>: the binary classifier's three output columns.</summary>
/// <param name="PredictedLabel">The predicted class (true = malignant for the breast-cancer model).</param>
/// <param name="Probability">The calibrated probability of the true class.</param>
/// <param name="Score">The raw score (the logit) the probability comes from.</param>
public sealed record PredictResponse(bool PredictedLabel, float Probability, float Score);

/// <summary>The answer of <c>GET /health</c>.</summary>
/// <param name="Status">"ok" once a pooled engine has scored a row of zeros.</param>
/// <param name="FeatureCount">How many feature values <c>POST /predict</c> expects.</param>
/// <param name="EnginesCreated">Prediction engines the pool has created so far.</param>
public sealed record HealthResponse(string Status, int FeatureCount, int EnginesCreated);

/// <summary>
/// The model's input row. The vector's length is not fixed here: <see cref="ServingModel"/> sets it from the loaded
/// model's input schema, so the same server serves any binary model with a <c>Features</c> vector.
/// </summary>
public sealed class ModelInput
{
    /// <summary>The feature vector (ML.NET column <c>Features</c>).</summary>
    public float[] Features { get; set; } = [];
}

/// <summary>The columns a binary classifier adds (ML.NET's names and types).</summary>
public sealed class ModelOutput
{
    /// <summary>The predicted class.</summary>
    [ColumnName("PredictedLabel")]
    public bool PredictedLabel { get; set; }

    /// <summary>The probability of the true class.</summary>
    [ColumnName("Probability")]
    public float Probability { get; set; }

    /// <summary>The raw score.</summary>
    [ColumnName("Score")]
    public float Score { get; set; }
}
