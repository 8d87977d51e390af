namespace MLNet.Mlp.Trainers;

/// <summary>ML.NET's annotation kinds, which ML.NET keeps internal; the strings are part of its model format.</summary>
internal static class AnnotationKinds
{
    public const string KeyValues = "KeyValues";
    public const string SlotNames = "SlotNames";
    public const string ScoreColumnKind = "ScoreColumnKind";
    public const string ScoreValueKind = "ScoreValueKind";
    public const string ScoreColumnSetId = "ScoreColumnSetId";
    public const string IsNormalized = "IsNormalized";
}
