using MLNet.Mlp.Onnx.Protobuf;

namespace MLNet.Mlp.Onnx.Proto;

/// <summary>ONNX <c>TypeProto</c> restricted to the tensor case (<c>TypeProto.Tensor</c>).</summary>
internal sealed record TypeProto(OnnxDataType ElementType, TensorShapeProto Shape) : IProtoMessage
{
    // *** Fields (onnx.proto) ***
    // TypeProto:        1: Tensor tensor_type (oneof value)
    // TypeProto.Tensor: 1: int32 elem_type, 2: TensorShapeProto shape
    public void WriteTo(ProtoWriter writer) => writer.WriteMessage(1, new TensorType(this));

    private sealed class TensorType(TypeProto type) : IProtoMessage
    {
        public void WriteTo(ProtoWriter writer)
        {
            writer.WriteInt32(1, (int)type.ElementType);
            // Always written, even when empty: an empty shape means "scalar", an absent one "unknown rank".
            writer.WriteMessage(2, type.Shape);
        }
    }
}
