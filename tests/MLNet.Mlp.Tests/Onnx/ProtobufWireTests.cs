using MLNet.Mlp.Onnx;
using MLNet.Mlp.Onnx.Protobuf;

namespace MLNet.Mlp.Tests.Onnx;

/// <summary>Checks the hand-written protobuf encoder byte for byte and reads an exported model back.</summary>
public class ProtobufWireTests
{
    [Fact]
    public void VarintsMatchTheProtobufSpecification()
    {
        var w = new ProtoWriter();
        w.WriteInt64(1, 150);   // the protobuf documentation's example: 08 96 01
        w.WriteInt64(2, -1);    // negative int64: ten bytes
        w.WriteInt32(3, 0);
        Assert.Equal(
            [0x08, 0x96, 0x01, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x18, 0x00],
            w.ToArray());
    }

    [Fact]
    public void LengthDelimitedAndFixed32Fields()
    {
        var w = new ProtoWriter();
        w.WriteString(2, "testing");           // 12 07 74 65 73 74 69 6e 67
        w.WriteFloat(3, 1f);                   // 1d 00 00 80 3f
        w.WritePackedInt64(4, [3, 270, 86942]); // 22 06 03 8e 02 9e a7 05 (spec example)
        w.WritePackedFloat(5, [1f]);           // 2a 04 00 00 80 3f
        Assert.Equal(
            [0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67,
             0x1d, 0x00, 0x00, 0x80, 0x3f,
             0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05,
             0x2a, 0x04, 0x00, 0x00, 0x80, 0x3f],
            w.ToArray());
    }

    [Fact]
    public void ExportedModelReadsBack()
    {
        var net = RandomNetworks.Create(1, OnnxHead.Multiclass, 3, 4, 2, OnnxActivation.LeakyRelu, inputName: "X");
        var model = ProtoReader.Parse(OnnxMlpExporter.ToBytes(net));

        Assert.Equal(7, model.Single(f => f.Number == 1).Int64);                     // ir_version
        Assert.Equal("MLNet.Mlp", model.Single(f => f.Number == 2).Text);            // producer_name
        var opset = model.Single(f => f.Number == 8).Message;                        // opset_import
        Assert.Equal(13, opset.Single(f => f.Number == 2).Int64);
        Assert.DoesNotContain(opset, f => f.Number == 1);                            // default domain

        var graph = model.Single(f => f.Number == 7).Message;
        var nodes = graph.Where(f => f.Number == 1).Select(f => f.Message).ToList();
        var opTypes = nodes.Select(n => n.Single(f => f.Number == 4).Text).ToList();
        Assert.Equal(["Gemm", "LeakyRelu", "Mul", "Add", "Gemm", "Softmax", "Identity", "ArgMax"], opTypes);

        var leaky = nodes[1].Single(f => f.Number == 5).Message;                     // attribute
        Assert.Equal("alpha", leaky.Single(f => f.Number == 1).Text);
        Assert.Equal(0.05f, leaky.Single(f => f.Number == 2).Float);
        Assert.Equal(1, leaky.Single(f => f.Number == 20).Int64);                    // AttributeType.FLOAT

        var initializers = graph.Where(f => f.Number == 5).Select(f => f.Message).ToList();
        var firstWeights = initializers[0];
        Assert.Equal([4L, 3L], firstWeights.Where(f => f.Number == 1).Select(f => f.Int64));
        Assert.Equal(1, firstWeights.Single(f => f.Number == 2).Int64);              // FLOAT
        var raw = firstWeights.Single(f => f.Number == 9).Bytes;
        var weights = ((OnnxDenseLayer)net.Layers[0]).Weights;
        Assert.Equal(weights.Length * 4, raw.Length);
        Assert.Equal(weights[5], BitConverter.ToSingle(raw, 20));

        var input = graph.Single(f => f.Number == 11).Message;
        Assert.Equal("X", input.Single(f => f.Number == 1).Text);
        var tensorType = input.Single(f => f.Number == 2).Message.Single(f => f.Number == 1).Message;
        Assert.Equal(1, tensorType.Single(f => f.Number == 1).Int64);
        var dims = tensorType.Single(f => f.Number == 2).Message.Select(d => d.Message.Single()).ToList();
        Assert.Equal("N", dims[0].Text);
        Assert.Equal(3, dims[1].Int64);

        Assert.Equal(["Score", "PredictedLabel"], graph.Where(f => f.Number == 12).Select(f => f.Message.Single(m => m.Number == 1).Text));
    }
}
