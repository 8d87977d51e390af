namespace MLNet.Mlp.Onnx.Protobuf;

/// <summary>A message that can write its fields with a <see cref="ProtoWriter"/>.</summary>
internal interface IProtoMessage
{
    /// <summary>Writes every set field of this message (not its own tag or length).</summary>
    void WriteTo(ProtoWriter writer);
}
