using MLNet.Mlp.Onnx.Proto;

namespace MLNet.Mlp.Onnx;

/// <summary>Collects nodes and initializers with unique generated names while a graph is being built.</summary>
internal sealed class OnnxGraphBuilder
{
    private readonly List<NodeProto> _nodes = [];
    private readonly List<TensorProto> _initializers = [];
    private readonly HashSet<string> _usedNames = [];
    private int _counter;

    /// <summary>Nodes in the order they were added (which is topological, since inputs must exist first).</summary>
    public IReadOnlyList<NodeProto> Nodes => _nodes;

    /// <summary>Constant tensors.</summary>
    public IReadOnlyList<TensorProto> Initializers => _initializers;

    /// <summary>Reserves a name that generated names must avoid (graph inputs and outputs).</summary>
    public void Reserve(string name)
    {
        if (!_usedNames.Add(name))
            throw new ArgumentException($"The ONNX value name '{name}' is used twice.");
    }

    /// <summary>Adds a node; returns its (single) output name, generated unless <paramref name="output"/> is given.</summary>
    public string Add(string opType, IReadOnlyList<string> inputs, string? output = null, params AttributeProto[] attributes)
    {
        output ??= NewName(opType.ToLowerInvariant());
        _nodes.Add(new NodeProto(opType, NewName("node_" + opType), inputs, [output], attributes));
        return output;
    }

    /// <summary>Adds a float initializer and returns its name.</summary>
    public string Floats(string hint, ReadOnlySpan<float> values, params long[] dims)
    {
        string name = NewName(hint);
        _initializers.Add(TensorProto.FromFloats(name, values, dims));
        return name;
    }

    /// <summary>Adds a rank-0 float initializer and returns its name.</summary>
    public string Scalar(string hint, float value) => Floats(hint, [value]);

    /// <summary>Adds an int64 initializer and returns its name.</summary>
    public string Int64s(string hint, ReadOnlySpan<long> values, params long[] dims)
    {
        string name = NewName(hint);
        _initializers.Add(TensorProto.FromInt64s(name, values, dims));
        return name;
    }

    private string NewName(string hint)
    {
        string name;
        do
            name = $"{hint}_{_counter++}";
        while (!_usedNames.Add(name));
        return name;
    }
}
