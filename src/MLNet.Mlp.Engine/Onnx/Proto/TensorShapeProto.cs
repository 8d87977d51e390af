using MLNet.Mlp.Onnx.Protobuf;

namespace MLNet.Mlp.Onnx.Proto;

/// <summary>
/// ONNX <c>TensorShapeProto</c>. Each dimension is either a fixed size or a symbolic name such as "N".
/// An empty dimension list declares a scalar (rank 0), which is different from an absent shape (unknown rank).
/// </summary>
internal sealed record TensorShapeProto(IReadOnlyList<TensorShapeProto.Dimension> Dims) : IProtoMessage
{
    /// <summary>One axis: <see cref="Value"/> when fixed, otherwise <see cref="Param"/>.</summary>
    internal sealed record Dimension(long Value, string? Param) : IProtoMessage
    {
        /// <summary>A fixed-size axis.</summary>
        public static Dimension Fixed(long value) => new(value, null);

        /// <summary>A symbolic axis (e.g. the batch size "N").</summary>
        public static Dimension Symbolic(string name) => new(0, name);

        // *** Fields (onnx.proto, TensorShapeProto.Dimension) ***
        // 1: int64 dim_value   (oneof value)
        // 2: string dim_param  (oneof value)
        public void WriteTo(ProtoWriter writer)
        {
            if (Param is null)
                writer.WriteInt64(1, Value);
            else
                writer.WriteString(2, Param);
        }
    }

    // *** Fields (onnx.proto) ***
    // 1: repeated Dimension dim
    public void WriteTo(ProtoWriter writer)
    {
        foreach (var dim in Dims)
            writer.WriteMessage(1, dim);
    }
}
