using MLNet.Mlp.Onnx.Protobuf;

namespace MLNet.Mlp.Onnx.Proto;

/// <summary>ONNX <c>ValueInfoProto</c>: the name and tensor type of a graph input or output.</summary>
internal sealed record ValueInfoProto(string Name, TypeProto Type) : IProtoMessage
{
    // *** Fields (onnx.proto) ***
    // 1: string name
    // 2: TypeProto type
    public void WriteTo(ProtoWriter writer)
    {
        writer.WriteString(1, Name);
        writer.WriteMessage(2, Type);
    }
}
