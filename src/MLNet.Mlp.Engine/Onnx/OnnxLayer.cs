namespace MLNet.Mlp.Onnx;

/// <summary>One inference-time layer of a multilayer perceptron, in the neutral form the ONNX writer consumes.</summary>
internal abstract record OnnxLayer
{
    /// <summary>Width of the values this layer produces, given the width it receives.</summary>
    internal abstract int OutputWidth(int inputWidth);

    /// <summary>Throws when the layer's arrays do not fit an input of <paramref name="inputWidth"/> features.</summary>
    internal abstract void Validate(int index, int inputWidth);
}
