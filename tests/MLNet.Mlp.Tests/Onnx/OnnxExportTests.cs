using MLNet.Mlp.Onnx;

namespace MLNet.Mlp.Tests.Onnx;

/// <summary>Writes random networks to real .onnx files, runs them with ONNX Runtime and compares with <see cref="ReferenceMlp"/>.</summary>
public class OnnxExportTests
{
    private const double Tolerance = 1e-5;
    private const int Features = 5;
    private const int Rows = 7;

    // Activation names rather than the internal enum: xunit theory methods must be public.
    public static TheoryData<string> HiddenActivations() =>
        ["Identity", "Sigmoid", "Tanh", "Relu", "LeakyRelu", "Elu", "Gelu", "Silu"];

    [Theory]
    [MemberData(nameof(HiddenActivations))]
    public void RegressionMatchesReference(string activationName)
    {
        var activation = Enum.Parse<OnnxActivation>(activationName);
        var net = RandomNetworks.Create(1, OnnxHead.Regression, Features, 6, 1, activation);
        var rows = RandomNetworks.Rows(2, Rows, Features);
        var outputs = RunBatched(net, rows);

        Assert.Equal([Rows], outputs["Score"].Shape);
        for (int r = 0; r < Rows; r++)
            Assert.Equal(ReferenceMlp.Forward(net, rows[r])[0], outputs["Score"].Floats[r], Tolerance);
    }

    [Theory]
    [MemberData(nameof(HiddenActivations))]
    public void MultiOutputRegressionMatchesReference(string activationName)
    {
        var activation = Enum.Parse<OnnxActivation>(activationName);
        var net = RandomNetworks.Create(3, OnnxHead.Regression, Features, 6, 3, activation, lastActivation: activation);
        var rows = RandomNetworks.Rows(4, Rows, Features);
        var outputs = RunBatched(net, rows);

        Assert.Equal([Rows, 3], outputs["Score"].Shape);
        for (int r = 0; r < Rows; r++)
        {
            var expected = ReferenceMlp.Forward(net, rows[r]);
            for (int k = 0; k < 3; k++)
                Assert.Equal(expected[k], outputs["Score"].Floats[r * 3 + k], Tolerance);
        }
    }

    [Theory]
    [MemberData(nameof(HiddenActivations))]
    public void BinaryMatchesReference(string activationName)
    {
        var activation = Enum.Parse<OnnxActivation>(activationName);
        var net = RandomNetworks.Create(5, OnnxHead.Binary, Features, 6, 1, activation);
        var rows = RandomNetworks.Rows(6, 40, Features);
        var outputs = RunBatched(net, rows);

        int positives = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            double logit = ReferenceMlp.Forward(net, rows[r])[0];
            double probability = ReferenceMlp.Sigmoid(logit);
            Assert.Equal(logit, outputs["Score"].Floats[r], Tolerance);
            Assert.Equal(probability, outputs["Probability"].Floats[r], Tolerance);
            if (Math.Abs(probability - 0.5) > 1e-6)
                Assert.Equal(probability > 0.5, outputs["PredictedLabel"].Bools[r]);
            positives += outputs["PredictedLabel"].Bools[r] ? 1 : 0;
        }
        Assert.Equal([40], outputs["PredictedLabel"].Shape);
    }

    [Theory]
    [MemberData(nameof(HiddenActivations))]
    public void MulticlassMatchesReference(string activationName)
    {
        var activation = Enum.Parse<OnnxActivation>(activationName);
        const int classes = 4;
        var net = RandomNetworks.Create(7, OnnxHead.Multiclass, Features, 6, classes, activation);
        var rows = RandomNetworks.Rows(8, Rows, Features);
        var outputs = RunBatched(net, rows);

        Assert.Equal([Rows, classes], outputs["Score"].Shape);
        Assert.Equal([Rows], outputs["PredictedLabel"].Shape);
        for (int r = 0; r < Rows; r++)
        {
            var probabilities = ReferenceMlp.Softmax(ReferenceMlp.Forward(net, rows[r]));
            for (int k = 0; k < classes; k++)
                Assert.Equal(probabilities[k], outputs["Score"].Floats[r * classes + k], Tolerance);
            Assert.Equal(ReferenceMlp.ArgMax(probabilities), outputs["PredictedLabel"].Int64s[r]);
        }
    }

    [Fact]
    public void MulticlassWithSoftmaxLayerIsNotSoftmaxedTwice()
    {
        var net = RandomNetworks.Create(9, OnnxHead.Multiclass, Features, 6, 3, OnnxActivation.Relu, lastActivation: OnnxActivation.Softmax);
        var rows = RandomNetworks.Rows(10, Rows, Features);
        var outputs = RunBatched(net, rows);

        for (int r = 0; r < Rows; r++)
        {
            var probabilities = ReferenceMlp.Forward(net, rows[r]);
            for (int k = 0; k < 3; k++)
                Assert.Equal(probabilities[k], outputs["Score"].Floats[r * 3 + k], Tolerance);
        }
    }

    [Fact]
    public void SingleRowMulticlassTakesOneRowWithoutBatchDimension()
    {
        var net = RandomNetworks.Create(11, OnnxHead.Multiclass, Features, 6, 3, OnnxActivation.Gelu, inputName: "In");
        var options = new OnnxExportOptions { Layout = OnnxBatchLayout.SingleRow };
        var row = RandomNetworks.Rows(12, 1, Features)[0];
        using var file = new TempFile(".onnx");
        using (var stream = File.Create(file.Path))
            OnnxMlpExporter.Write(net, stream, options);

        var outputs = OnnxRuntimeRunner.Run(file.Path, "In", row, [Features]);

        var probabilities = ReferenceMlp.Softmax(ReferenceMlp.Forward(net, row));
        Assert.Equal([3], outputs["Score"].Shape);
        Assert.Equal([1], outputs["PredictedLabel"].Shape);
        Assert.Equal(ReferenceMlp.ArgMax(probabilities), outputs["PredictedLabel"].Int64s[0]);
        for (int k = 0; k < 3; k++)
            Assert.Equal(probabilities[k], outputs["Score"].Floats[k], Tolerance);
    }

    [Fact]
    public void SingleRowBinaryOutputsHaveOneValue()
    {
        var net = RandomNetworks.Create(13, OnnxHead.Binary, Features, 4, 1, OnnxActivation.Silu);
        var row = RandomNetworks.Rows(14, 1, Features)[0];
        using var file = new TempFile(".onnx");
        File.WriteAllBytes(file.Path, OnnxMlpExporter.ToBytes(net, new OnnxExportOptions { Layout = OnnxBatchLayout.SingleRow }));

        var outputs = OnnxRuntimeRunner.Run(file.Path, "Features", row, [Features]);

        double logit = ReferenceMlp.Forward(net, row)[0];
        Assert.Equal([1], outputs["Score"].Shape);
        Assert.Equal([1], outputs["Probability"].Shape);
        Assert.Equal([1], outputs["PredictedLabel"].Shape);
        Assert.Equal(ReferenceMlp.Sigmoid(logit) > 0.5, outputs["PredictedLabel"].Bools[0]);
        Assert.Equal(logit, outputs["Score"].Floats[0], Tolerance);
        Assert.Equal(ReferenceMlp.Sigmoid(logit), outputs["Probability"].Floats[0], Tolerance);
    }

    [Theory]
    [InlineData("Relu")]
    [InlineData("Gelu")]
    public void ASingleRowLayerOfManyMultipliesIsSplitIntoGemmsThatTogetherMatchTheReference(string activationName)
    {
        // 600 inputs × 200 units: 120,000 multiplies a row, which ONNX Runtime would share with a second thread.
        const int wide = 600;
        var activation = Enum.Parse<OnnxActivation>(activationName);
        var net = RandomNetworks.Create(15, OnnxHead.Multiclass, wide, 200, 3, activation);
        var options = new OnnxExportOptions { Layout = OnnxBatchLayout.SingleRow };
        var graph = OnnxMlpGraph.Build(net, options);
        Assert.Equal(2 + 1, graph.Nodes.Count(n => n.OpType == "Gemm"));
        Assert.Equal(100, OnnxMlpGraph.SingleRowGemmColumns(wide, 200));

        var row = RandomNetworks.Rows(16, 1, wide)[0];
        using var file = new TempFile(".onnx");
        File.WriteAllBytes(file.Path, OnnxMlpExporter.ToBytes(net, options));
        var outputs = OnnxRuntimeRunner.Run(file.Path, "Features", row, [wide]);

        var probabilities = ReferenceMlp.Softmax(ReferenceMlp.Forward(net, row));
        Assert.Equal([3], outputs["Score"].Shape);
        for (int k = 0; k < 3; k++)
            Assert.Equal(probabilities[k], outputs["Score"].Floats[k], Tolerance);
        Assert.Equal(ReferenceMlp.ArgMax(probabilities), outputs["PredictedLabel"].Int64s[0]);
    }

    [Theory]
    [InlineData("Multiclass", "Relu", 0.02)]
    [InlineData("Multiclass", "Gelu", 0.0)]
    [InlineData("Binary", "Tanh", 1.0)]
    [InlineData("Regression", "Relu", 0.3)]
    public void ASingleRowSparseFirstLayerReadsTheNonZerosAndMatchesTheReference(string headName, string activationName, double nonZeroShare)
    {
        // 5,000 inputs × 40 units: the first layer gathers the rows of W its non-zeros select and never runs the dense
        // product; rows of every density, including none (an empty text) and all, give the dense graph's scores.
        const int wide = 5000;
        var head = Enum.Parse<OnnxHead>(headName);
        int outputs = head == OnnxHead.Multiclass ? 3 : 1;
        var net = RandomNetworks.Create(21, head, wide, 40, outputs, Enum.Parse<OnnxActivation>(activationName));
        var options = new OnnxExportOptions { Layout = OnnxBatchLayout.SingleRow, SparseFirstLayer = true };
        var graph = OnnxMlpGraph.Build(net, options);
        Assert.Single(graph.Nodes, n => n.OpType == "NonZero");
        Assert.Single(graph.Nodes, n => n.OpType == "Gemm");
        var read = graph.Nodes.SelectMany(n => n.Inputs).ToHashSet();
        Assert.All(graph.Initializers, initializer => Assert.Contains(initializer.Name, read));

        var rng = new Random(22);
        var row = RandomNetworks.Rows(23, 1, wide)[0];
        for (int i = 0; i < wide; i++) if (rng.NextDouble() >= nonZeroShare) row[i] = 0f;
        using var file = new TempFile(".onnx");
        File.WriteAllBytes(file.Path, OnnxMlpExporter.ToBytes(net, options));
        var outputsOfGraph = OnnxRuntimeRunner.Run(file.Path, "Features", row, [wide]);

        var expected = ReferenceMlp.Forward(net, row);
        if (head == OnnxHead.Multiclass) expected = ReferenceMlp.Softmax(expected);
        Assert.Equal(outputs, outputsOfGraph["Score"].Floats.Length);
        for (int k = 0; k < outputs; k++)
            Assert.Equal(expected[k], outputsOfGraph["Score"].Floats[k], Tolerance);
    }

    [Theory]
    [InlineData("Regression", 1)]
    [InlineData("Regression", 3)]
    [InlineData("Binary", 1)]
    [InlineData("Multiclass", 3)]
    public void EveryInitializerIsReadByANode(string headName, int outputs)
    {
        // ONNX Runtime warns of an unread initializer each time it loads the model.
        var net = RandomNetworks.Create(17, Enum.Parse<OnnxHead>(headName), Features, 6, outputs, OnnxActivation.Relu);
        foreach (var layout in new[] { OnnxBatchLayout.Batched, OnnxBatchLayout.SingleRow })
        {
            var graph = OnnxMlpGraph.Build(net, new OnnxExportOptions { Layout = layout });
            var read = graph.Nodes.SelectMany(n => n.Inputs).ToHashSet();
            Assert.All(graph.Initializers, initializer => Assert.Contains(initializer.Name, read));
        }
    }

    [Fact]
    public void InvalidDescriptionsAreRejected()
    {
        var rng = new Random(0);
        var badSizes = new OnnxMlpDescription(3, [RandomNetworks.Dense(rng, 4, 2, OnnxActivation.Relu)], OnnxHead.Regression);
        var binaryTwoOutputs = new OnnxMlpDescription(3, [RandomNetworks.Dense(rng, 3, 2, OnnxActivation.Identity)], OnnxHead.Binary);
        var multiclassOneOutput = new OnnxMlpDescription(3, [RandomNetworks.Dense(rng, 3, 1, OnnxActivation.Identity)], OnnxHead.Multiclass);

        Assert.Throws<ArgumentException>(() => OnnxMlpExporter.ToBytes(badSizes));
        Assert.Throws<ArgumentException>(() => OnnxMlpExporter.ToBytes(binaryTwoOutputs));
        Assert.Throws<ArgumentException>(() => OnnxMlpExporter.ToBytes(multiclassOneOutput));
    }

    private static Dictionary<string, OnnxRuntimeRunner.Output> RunBatched(OnnxMlpDescription net, float[][] rows)
    {
        using var file = new TempFile(".onnx");
        using (var stream = File.Create(file.Path))
            OnnxMlpExporter.Write(net, stream);
        return OnnxRuntimeRunner.Run(file.Path, net.InputName, rows.SelectMany(r => r).ToArray(), [rows.Length, net.InputSize]);
    }
}
