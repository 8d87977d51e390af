namespace MLNet.Mlp.Persistence;

/// <summary>
/// The temporary columns of the ONNX-backed chain: they hold the ONNX outputs (length-1 vectors) until the library's
/// custom mappings turn them into the final scalar columns, and are dropped at the end of the chain.
/// </summary>
internal static class OnnxColumnNames
{
    /// <summary>ONNX score output, Vector&lt;Single, 1&gt; (binary, single-output regression).</summary>
    public const string OnnxScore = "MLNet.Mlp.OnnxScore";

    /// <summary>ONNX probability output, Vector&lt;Single, 1&gt; (binary).</summary>
    public const string OnnxProbability = "MLNet.Mlp.OnnxProbability";

    /// <summary>ONNX predicted label output: Vector&lt;Boolean, 1&gt; (binary) or Vector&lt;Int64, 1&gt; class index (multiclass).</summary>
    public const string OnnxPredictedLabel = "MLNet.Mlp.OnnxPredictedLabel";

    /// <summary>Multiclass: the class index as a scalar Int64, input of the MapValue that builds the key-typed label.</summary>
    public const string ClassIndex = "MLNet.Mlp.ClassIndex";
}
