using MLNet.Mlp.Onnx.Protobuf;

namespace MLNet.Mlp.Onnx.Proto;

/// <summary>ONNX <c>OperatorSetIdProto</c>: which operator set (domain + version) the graph uses.</summary>
internal sealed record OperatorSetIdProto(string Domain, long Version) : IProtoMessage
{
    // *** Fields (onnx.proto) ***
    // 1: string domain ("" = the default ai.onnx domain)
    // 2: int64 version
    public void WriteTo(ProtoWriter writer)
    {
        if (Domain.Length > 0)
            writer.WriteString(1, Domain);
        writer.WriteInt64(2, Version);
    }
}
