namespace MLNet.Mlp.Onnx;

/// <summary>Activation applied after a dense layer, as written to ONNX.</summary>
internal enum OnnxActivation
{
    /// <summary>No activation (no node is written).</summary>
    Identity,

    /// <summary>1 / (1 + e^-x).</summary>
    Sigmoid,

    /// <summary>Hyperbolic tangent.</summary>
    Tanh,

    /// <summary>max(0, x).</summary>
    Relu,

    /// <summary>x for x ≥ 0, alpha·x otherwise (alpha = <see cref="OnnxDenseLayer.Alpha"/>).</summary>
    LeakyRelu,

    /// <summary>x for x ≥ 0, alpha·(e^x − 1) otherwise (alpha = <see cref="OnnxDenseLayer.Alpha"/>).</summary>
    Elu,

    /// <summary>Exact GELU, 0.5·x·(1 + erf(x/√2)), written as Mul/Erf/Add nodes (no opset-20 Gelu op needed).</summary>
    Gelu,

    /// <summary>SiLU / swish, x·sigmoid(x).</summary>
    Silu,

    /// <summary>Softmax over the features of each row (only meaningful on the last layer of a multiclass network).</summary>
    Softmax,
}
