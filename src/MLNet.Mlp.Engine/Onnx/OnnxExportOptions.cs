namespace MLNet.Mlp.Onnx;

/// <summary>How <see cref="OnnxMlpExporter"/> shapes and names the graph's outputs.</summary>
internal sealed record OnnxExportOptions
{
    /// <summary>Standalone export: batched layout, outputs Score / Probability / PredictedLabel.</summary>
    public static OnnxExportOptions Default { get; } = new();

    /// <summary>Input and output shapes.</summary>
    public OnnxBatchLayout Layout { get; init; } = OnnxBatchLayout.Batched;

    /// <summary>Name of the Score output.</summary>
    public string ScoreName { get; init; } = "Score";

    /// <summary>Name of the Probability output (binary head only).</summary>
    public string ProbabilityName { get; init; } = "Probability";

    /// <summary>Name of the PredictedLabel output (binary and multiclass heads).</summary>
    public string PredictedLabelName { get; init; } = "PredictedLabel";
}
