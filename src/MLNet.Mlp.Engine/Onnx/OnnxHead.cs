namespace MLNet.Mlp.Onnx;

/// <summary>How the network's last layer is turned into ML.NET-style prediction outputs.</summary>
internal enum OnnxHead
{
    /// <summary>Score = the last layer's output (one value, or several for multi-output regression).</summary>
    Regression,

    /// <summary>
    /// The last layer has one output, the logit, normally with <see cref="OnnxActivation.Identity"/>.
    /// Score = logit, Probability = sigmoid(logit), PredictedLabel = Probability &gt; 0.5 (bool).
    /// </summary>
    Binary,

    /// <summary>
    /// The last layer has K ≥ 2 outputs. Score = softmax of the last layer's output, applied by the head;
    /// when the last layer's activation already is <see cref="OnnxActivation.Softmax"/> it is not applied twice.
    /// PredictedLabel = argmax of Score (int64, 0-based class index).
    /// </summary>
    Multiclass,
}
