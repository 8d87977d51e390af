namespace MLNet.Mlp.Tasks;

/// <summary>The prediction columns' names, ML.NET's for every task.</summary>
internal static class PredictionColumnNames
{
    /// <summary>The raw score: class probabilities, the logit, or the regression output.</summary>
    public const string Score = "Score";

    /// <summary>Binary: the probability of the positive class.</summary>
    public const string Probability = "Probability";

    /// <summary>Classification: the predicted class.</summary>
    public const string PredictedLabel = "PredictedLabel";
}
