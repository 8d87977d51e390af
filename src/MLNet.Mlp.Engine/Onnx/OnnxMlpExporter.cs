using MLNet.Mlp.Onnx.Proto;
using MLNet.Mlp.Onnx.Protobuf;

namespace MLNet.Mlp.Onnx;

/// <summary>Writes a multilayer perceptron as an ONNX model (opset <see cref="OnnxMlpGraph.OpsetVersion"/>).</summary>
internal static class OnnxMlpExporter
{
    /// <summary>Producer name recorded in the model.</summary>
    public const string ProducerName = "MLNet.Mlp";

    /// <summary>Writes the standalone (batched) model to <paramref name="destination"/>.</summary>
    public static void Write(OnnxMlpDescription description, Stream destination) =>
        Write(description, destination, OnnxExportOptions.Default);

    /// <summary>Writes the model with the given layout and output names to <paramref name="destination"/>.</summary>
    public static void Write(OnnxMlpDescription description, Stream destination, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var writer = new ProtoWriter();
        BuildModel(description, options).WriteTo(writer);
        writer.CopyTo(destination);
    }

    /// <summary>Returns the serialized model.</summary>
    public static byte[] ToBytes(OnnxMlpDescription description, OnnxExportOptions? options = null) =>
        ProtoWriter.Serialize(BuildModel(description, options ?? OnnxExportOptions.Default));

    private static ModelProto BuildModel(OnnxMlpDescription description, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(options);
        description.Validate();
        var graph = OnnxMlpGraph.Build(description, options);
        string version = typeof(OnnxMlpExporter).Assembly.GetName().Version?.ToString() ?? "";
        return new ModelProto(OnnxMlpGraph.IrVersion, [new OperatorSetIdProto("", OnnxMlpGraph.OpsetVersion)], ProducerName, version, graph);
    }
}
