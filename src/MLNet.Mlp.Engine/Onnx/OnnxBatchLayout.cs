namespace MLNet.Mlp.Onnx;

/// <summary>Tensor shapes of the exported graph's input and outputs.</summary>
internal enum OnnxBatchLayout
{
    /// <summary>
    /// For use outside ML.NET: input [N, F] with a symbolic batch dimension "N"; per-row values as [N]
    /// (binary Score/Probability/PredictedLabel, single-output regression Score, multiclass PredictedLabel) and
    /// vectors as [N, K] (multiclass Score, multi-output regression Score).
    /// </summary>
    Batched,

    /// <summary>
    /// For ML.NET's OnnxTransformer, which feeds one row at a time: input [F]; per-row values as [1] and vectors
    /// as [K]. OnnxTransformer maps them to fixed-size vector columns (it cannot read rank-0 outputs).
    /// </summary>
    SingleRow,
}
