namespace MLNet.Mlp.Persistence;

/// <summary>ML.NET annotation kinds used here (ML.NET's own constants are internal).</summary>
internal static class AnnotationKinds
{
    /// <summary>Values behind the keys of a key-typed column.</summary>
    public const string KeyValues = "KeyValues";

    /// <summary>Names of the slots of a vector column.</summary>
    public const string SlotNames = "SlotNames";

    /// <summary>The task a score column belongs to ("MulticlassClassification", "BinaryClassification", "Regression").</summary>
    public const string ScoreColumnKind = "ScoreColumnKind";

    /// <summary>What a prediction column holds ("Score", "Probability", "PredictedLabel").</summary>
    public const string ScoreValueKind = "ScoreValueKind";
}
