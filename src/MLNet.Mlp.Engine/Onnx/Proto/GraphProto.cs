using MLNet.Mlp.Onnx.Protobuf;

namespace MLNet.Mlp.Onnx.Proto;

/// <summary>ONNX <c>GraphProto</c>: nodes in topological order, constant initializers, inputs and outputs.</summary>
internal sealed record GraphProto(
    string Name,
    IReadOnlyList<NodeProto> Nodes,
    IReadOnlyList<TensorProto> Initializers,
    IReadOnlyList<ValueInfoProto> Inputs,
    IReadOnlyList<ValueInfoProto> Outputs) : IProtoMessage
{
    // *** Fields (onnx.proto) ***
    // 1: repeated NodeProto node
    // 2: string name
    // 5: repeated TensorProto initializer
    // 11: repeated ValueInfoProto input
    // 12: repeated ValueInfoProto output
    public void WriteTo(ProtoWriter writer)
    {
        foreach (var node in Nodes)
            writer.WriteMessage(1, node);
        writer.WriteString(2, Name);
        foreach (var tensor in Initializers)
            writer.WriteMessage(5, tensor);
        foreach (var input in Inputs)
            writer.WriteMessage(11, input);
        foreach (var output in Outputs)
            writer.WriteMessage(12, output);
    }
}
