namespace MLNet.Mlp.Onnx.Proto;

/// <summary>The subset of ONNX <c>TensorProto.DataType</c> values that the exporter writes.</summary>
internal enum OnnxDataType
{
    /// <summary>32-bit IEEE float.</summary>
    Float = 1,

    /// <summary>Signed 64-bit integer (shapes, axes, ArgMax results).</summary>
    Int64 = 7,

    /// <summary>Boolean (comparison results).</summary>
    Bool = 9,
}
