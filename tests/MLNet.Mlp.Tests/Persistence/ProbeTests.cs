using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Onnx;
using MLNet.Mlp.Persistence;
using MLNet.Mlp.Tests.Onnx;
using Xunit.Abstractions;

namespace MLNet.Mlp.Tests.Persistence;

public class ProbeTests(ITestOutputHelper output)
{
    private sealed class Row { [VectorType(4)] public float[] Features { get; set; } = []; public string Label { get; set; } = ""; }

    [Fact]
    public void Probe()
    {
        var ml = new MLContext(1);
        var rows = RandomNetworks.Rows(1, 20, 4).Select((f, i) => new Row { Features = f, Label = "c" + (i % 3) }).ToArray();
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));
        var net = RandomNetworks.Create(1, OnnxHead.Multiclass, 4, 5, 3);
        var info = OnnxBackedModelInfo.ForMulticlass("Features", 4, data.Schema["Label"]);
        var chain = OnnxBackedTransformerFactory.Create(ml, net, info);
        var scored = chain.Transform(data);
        foreach (var c in scored.Schema)
            output.WriteLine($"{c.Name} {c.Type} hidden={c.IsHidden} ann=[{string.Join(",", c.Annotations.Schema.Select(a => a.Name + ":" + a.Type))}]");
        var m = ml.MulticlassClassification.Evaluate(scored);
        output.WriteLine($"acc {m.MicroAccuracy}");
        foreach (var head in new[] { OnnxHead.Binary, OnnxHead.Regression })
        {
            var n2 = RandomNetworks.Create(1, head, 4, 5, 1);
            var c2 = OnnxBackedTransformerFactory.Create(ml, n2, new OnnxBackedModelInfo(head, "Features", 4, n2.OutputSize));
            var t = c2.Transform(data);
            foreach (var c in t.Schema)
                output.WriteLine($"{head} {c.Name} {c.Type} hidden={c.IsHidden}");
            output.WriteLine(string.Join(",", t.GetColumn<float>("Score").Take(3)));
        }
    }
}
