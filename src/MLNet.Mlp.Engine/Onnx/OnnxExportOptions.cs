namespace MLNet.Mlp.Onnx;

/// <summary>How <see cref="OnnxMlpExporter"/> shapes and names the graph's outputs.</summary>
internal sealed record OnnxExportOptions
{
    /// <summary>Standalone export: batched layout, outputs Score / Probability / PredictedLabel.</summary>
    public static OnnxExportOptions Default { get; } = new();

    /// <summary>Input and output shapes.</summary>
    public OnnxBatchLayout Layout { get; init; } = OnnxBatchLayout.Batched;

    /// <summary>
    /// Whether the single-row graph's first dense layer reads only the row's non-zeros (NonZero, then Gather of those
    /// inputs and of the matching rows of W held input-major, then one MatMul): for wide, sparse rows (text), whose
    /// dense product would read every weight of the layer for a few hundred non-zeros. The batched layout ignores it.
    /// </summary>
    public bool SparseFirstLayer { get; init; }

    /// <summary>Name of the Score output.</summary>
    public string ScoreName { get; init; } = "Score";

    /// <summary>Name of the Probability output (binary head only).</summary>
    public string ProbabilityName { get; init; } = "Probability";

    /// <summary>Name of the PredictedLabel output (binary and multiclass heads).</summary>
    public string PredictedLabelName { get; init; } = "PredictedLabel";
}
