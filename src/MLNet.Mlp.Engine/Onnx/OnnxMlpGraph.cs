using MLNet.Mlp.Onnx.Proto;

namespace MLNet.Mlp.Onnx;

/// <summary>Translates an <see cref="OnnxMlpDescription"/> into an ONNX <see cref="GraphProto"/>.</summary>
internal static class OnnxMlpGraph
{
    /// <summary>Opset 13: has Gemm, Erf, Softmax over one axis, ArgMax and Greater; ONNX Runtime and ML.NET both load it.</summary>
    public const long OpsetVersion = 13;

    /// <summary>IR version 7 is the one released with opset 13.</summary>
    public const long IrVersion = 7;

    /// <summary>Builds the graph. The description must be valid (see <see cref="OnnxMlpDescription.Validate"/>).</summary>
    public static GraphProto Build(OnnxMlpDescription description, OnnxExportOptions options)
    {
        var g = new OnnxGraphBuilder();
        bool singleRow = options.Layout == OnnxBatchLayout.SingleRow;
        int k = description.OutputSize;
        var outputs = new List<ValueInfoProto>();

        g.Reserve(description.InputName);
        foreach (string name in OutputNames(description.Head, options))
            g.Reserve(name);

        // The layers always work on [rows, features]; the single-row layout feeds [F] and reshapes it to [1, F], or
        // reads its non-zeros into the first layer's outputs, [1, units].
        string x = description.InputName;
        var layers = description.Layers;
        if (singleRow && options.SparseFirstLayer && layers[0] is OnnxDenseLayer first)
        {
            x = AddSparseRowLayer(g, first, x);
            layers = layers.Skip(1).ToList();
        }
        else if (singleRow)
        {
            x = g.Add("Reshape", [x, g.Int64s("shape_row", [1, -1], 2)]);
        }
        foreach (var layer in layers)
            x = AddLayer(g, layer, x, singleRow);

        // Per-row values end as [N] (batched) or [1] (single row); vectors as [N, K] or [K]. ML.NET's OnnxTransformer
        // cannot read rank-0 outputs (its scalar getter fails at run time), hence [1] rather than a true scalar.
        // Made where used: ONNX Runtime warns of an initializer no node reads, at every session it creates.
        string ScalarShape() => g.Int64s("shape_rows", [-1], 1);
        var scalarType = (OnnxDataType t) => new TypeProto(t, singleRow ? Shape(Fixed(1)) : Shape(Batch()));
        var vectorType = new TypeProto(OnnxDataType.Float, singleRow ? Shape(Fixed(k)) : Shape(Batch(), Fixed(k)));
        string ToVector(string value, string name) =>
            singleRow ? g.Add("Reshape", [value, g.Int64s("shape_vector", [-1], 1)], name) : g.Add("Identity", [value], name);

        switch (description.Head)
        {
            case OnnxHead.Regression when k == 1:
                g.Add("Reshape", [x, ScalarShape()], options.ScoreName);
                outputs.Add(new ValueInfoProto(options.ScoreName, scalarType(OnnxDataType.Float)));
                break;
            case OnnxHead.Regression:
                ToVector(x, options.ScoreName);
                outputs.Add(new ValueInfoProto(options.ScoreName, vectorType));
                break;
            case OnnxHead.Binary:
            {
                string score = g.Add("Reshape", [x, ScalarShape()], options.ScoreName);
                string probability = g.Add("Sigmoid", [score], options.ProbabilityName);
                g.Add("Greater", [probability, g.Scalar("half", 0.5f)], options.PredictedLabelName);
                outputs.Add(new ValueInfoProto(options.ScoreName, scalarType(OnnxDataType.Float)));
                outputs.Add(new ValueInfoProto(options.ProbabilityName, scalarType(OnnxDataType.Float)));
                outputs.Add(new ValueInfoProto(options.PredictedLabelName, scalarType(OnnxDataType.Bool)));
                break;
            }
            case OnnxHead.Multiclass:
            {
                string probabilities = description.FinalActivation == OnnxActivation.Softmax
                    ? x
                    : g.Add("Softmax", [x], null, AttributeProto.Int("axis", -1));
                ToVector(probabilities, options.ScoreName);
                // ArgMax over the last axis of [N, K] or [1, K] already has the per-row shape, [N] or [1].
                g.Add("ArgMax", [probabilities], options.PredictedLabelName, AttributeProto.Int("axis", -1), AttributeProto.Int("keepdims", 0));
                outputs.Add(new ValueInfoProto(options.ScoreName, vectorType));
                outputs.Add(new ValueInfoProto(options.PredictedLabelName, scalarType(OnnxDataType.Int64)));
                break;
            }
            default:
                throw new ArgumentException($"Unknown head {description.Head}.");
        }

        var inputShape = singleRow ? Shape(Fixed(description.InputSize)) : Shape(Batch(), Fixed(description.InputSize));
        var inputs = new[] { new ValueInfoProto(description.InputName, new TypeProto(OnnxDataType.Float, inputShape)) };
        return new GraphProto("MLNet.Mlp", g.Nodes, g.Initializers, inputs, outputs);
    }

    private static IEnumerable<string> OutputNames(OnnxHead head, OnnxExportOptions options)
    {
        yield return options.ScoreName;
        if (head == OnnxHead.Binary)
            yield return options.ProbabilityName;
        if (head != OnnxHead.Regression)
            yield return options.PredictedLabelName;
    }

    private static string AddLayer(OnnxGraphBuilder g, OnnxLayer layer, string x, bool singleRow)
    {
        switch (layer)
        {
            case OnnxDenseLayer dense:
            {
                int columns = singleRow ? SingleRowGemmColumns(dense.InputSize, dense.OutputSize) : dense.OutputSize;
                if (columns >= dense.OutputSize)
                    return AddActivation(g, dense.Activation, dense.Alpha, AddGemm(g, dense, x, 0, dense.OutputSize));
                // A one-node elementwise activation goes on each part, where ONNX Runtime fuses it into the Gemm; the
                // others (several nodes, or Softmax across the parts) after the concatenation.
                bool onEachPart = dense.Activation is OnnxActivation.Relu or OnnxActivation.LeakyRelu or OnnxActivation.Sigmoid or OnnxActivation.Tanh;
                var parts = new List<string>();
                for (int start = 0; start < dense.OutputSize; start += columns)
                {
                    string part = AddGemm(g, dense, x, start, Math.Min(columns, dense.OutputSize - start));
                    parts.Add(onEachPart ? AddActivation(g, dense.Activation, dense.Alpha, part) : part);
                }
                string joined = g.Add("Concat", parts, null, AttributeProto.Int("axis", 1));
                return onEachPart ? joined : AddActivation(g, dense.Activation, dense.Alpha, joined);
            }
            case OnnxAffineLayer affine:
            {
                int n = affine.Scale.Length;
                string scaled = g.Add("Mul", [x, g.Floats("scale", affine.Scale, n)]);
                return g.Add("Add", [scaled, g.Floats("shift", affine.Shift, n)]);
            }
            default:
                throw new ArgumentException($"Unsupported layer type {layer.GetType().Name}.");
        }
    }

    // A dense layer on one row [F] from its non-zeros: z = values · W[columns, ·] + b, with W held [in, out] so that each
    // non-zero gathers one row of it. A row of zeros gathers none, and the [1, 0] × [0, out] product is zeros.
    private static string AddSparseRowLayer(OnnxGraphBuilder g, OnnxDenseLayer dense, string row)
    {
        int inputs = dense.InputSize, outputs = dense.OutputSize;
        var inputMajor = new float[dense.Weights.Length];
        for (int o = 0; o < outputs; o++)
            for (int i = 0; i < inputs; i++)
                inputMajor[(long)i * outputs + o] = dense.Weights[(long)o * inputs + i];
        string axis0 = g.Int64s("axis_0", [0], 1);
        string columns = g.Add("Squeeze", [g.Add("NonZero", [row]), axis0]);
        string values = g.Add("Unsqueeze", [g.Add("Gather", [row, columns]), axis0]);
        string weights = g.Add("Gather", [g.Floats("W_input_major", inputMajor, inputs, outputs), columns], null, AttributeProto.Int("axis", 0));
        string z = g.Add("Add", [g.Add("MatMul", [values, weights]), g.Floats("B", dense.Bias, outputs)]);
        return AddActivation(g, dense.Activation, dense.Alpha, z);
    }

    // Gemm computes x·Wᵀ + b for the layer's outputs [start, start + count), W stored [out, in] as the description holds it.
    private static string AddGemm(OnnxGraphBuilder g, OnnxDenseLayer dense, string x, int start, int count)
    {
        int k = dense.InputSize;
        string w = g.Floats("W", dense.Weights.AsSpan(start * k, count * k), count, k);
        string b = g.Floats("B", dense.Bias.AsSpan(start, count), count);
        return g.Add("Gemm", [x, w, b], null, AttributeProto.Int("transB", 1));
    }

    /// <summary>
    /// The most outputs one Gemm of a single-row graph computes. ONNX Runtime's matrix multiply hands a product of
    /// 2¹⁶ multiplies or more to a second thread, and for one row that hand-over costs more than the product (and on a
    /// busy host the caller waits for a thread that is not running): a wider layer becomes several Gemms of equal
    /// width, each below that size, run one after another and concatenated. Each output's sum is the same.
    /// </summary>
    internal static int SingleRowGemmColumns(int inputSize, int outputSize)
    {
        const int MultipliesPerThread = 1 << 16;
        int widest = Math.Max(1, (MultipliesPerThread - 1) / inputSize);
        if (outputSize <= widest) return outputSize;
        int parts = (outputSize + widest - 1) / widest;
        return (outputSize + parts - 1) / parts;
    }

    private static string AddActivation(OnnxGraphBuilder g, OnnxActivation activation, float alpha, string x)
    {
        switch (activation)
        {
            case OnnxActivation.Identity:
                return x;
            case OnnxActivation.Sigmoid:
                return g.Add("Sigmoid", [x]);
            case OnnxActivation.Tanh:
                return g.Add("Tanh", [x]);
            case OnnxActivation.Relu:
                return g.Add("Relu", [x]);
            case OnnxActivation.LeakyRelu:
                return g.Add("LeakyRelu", [x], null, AttributeProto.Float("alpha", alpha));
            case OnnxActivation.Elu:
                return g.Add("Elu", [x], null, AttributeProto.Float("alpha", alpha));
            case OnnxActivation.Gelu:
            {
                // 0.5·x·(1 + erf(x/√2)) with opset-13 ops (the Gelu op only exists from opset 20).
                string scaled = g.Add("Mul", [x, g.Scalar("inv_sqrt2", (float)(1.0 / Math.Sqrt(2.0)))]);
                string erf = g.Add("Erf", [scaled]);
                string onePlus = g.Add("Add", [erf, g.Scalar("one", 1f)]);
                string product = g.Add("Mul", [x, onePlus]);
                return g.Add("Mul", [product, g.Scalar("half", 0.5f)]);
            }
            case OnnxActivation.Silu:
                return g.Add("Mul", [x, g.Add("Sigmoid", [x])]);
            case OnnxActivation.Softmax:
                return g.Add("Softmax", [x], null, AttributeProto.Int("axis", -1));
            default:
                throw new ArgumentException($"Unknown activation {activation}.");
        }
    }

    private static TensorShapeProto Shape(params TensorShapeProto.Dimension[] dims) => new(dims);

    private static TensorShapeProto.Dimension Fixed(long size) => TensorShapeProto.Dimension.Fixed(size);

    private static TensorShapeProto.Dimension Batch() => TensorShapeProto.Dimension.Symbolic("N");
}
