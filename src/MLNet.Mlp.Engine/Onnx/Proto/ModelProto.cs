using MLNet.Mlp.Onnx.Protobuf;

namespace MLNet.Mlp.Onnx.Proto;

/// <summary>ONNX <c>ModelProto</c>: the top-level message of a .onnx file.</summary>
internal sealed record ModelProto(long IrVersion, IReadOnlyList<OperatorSetIdProto> OpsetImport, string ProducerName, string ProducerVersion, GraphProto Graph) : IProtoMessage
{
    // *** Fields (onnx.proto) ***
    // 1: int64 ir_version
    // 2: string producer_name
    // 3: string producer_version
    // 7: GraphProto graph
    // 8: repeated OperatorSetIdProto opset_import
    public void WriteTo(ProtoWriter writer)
    {
        writer.WriteInt64(1, IrVersion);
        writer.WriteString(2, ProducerName);
        if (ProducerVersion.Length > 0)
            writer.WriteString(3, ProducerVersion);
        writer.WriteMessage(7, Graph);
        foreach (var opset in OpsetImport)
            writer.WriteMessage(8, opset);
    }
}
