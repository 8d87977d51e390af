using MLNet.Mlp.Onnx.Protobuf;

namespace MLNet.Mlp.Onnx.Proto;

/// <summary>ONNX <c>NodeProto</c>: one operator call, wired to values by name.</summary>
internal sealed record NodeProto(string OpType, string Name, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyList<AttributeProto> Attributes) : IProtoMessage
{
    // *** Fields (onnx.proto) ***
    // 1: repeated string input
    // 2: repeated string output
    // 3: string name
    // 4: string op_type
    // 5: repeated AttributeProto attribute
    public void WriteTo(ProtoWriter writer)
    {
        foreach (var input in Inputs)
            writer.WriteString(1, input);
        foreach (var output in Outputs)
            writer.WriteString(2, output);
        writer.WriteString(3, Name);
        writer.WriteString(4, OpType);
        foreach (var attribute in Attributes)
            writer.WriteMessage(5, attribute);
    }
}
