namespace MLNet.Mlp.Onnx;

/// <summary>
/// A fully connected layer y = activation(W·x + b).
/// </summary>
/// <param name="InputSize">Number of inputs.</param>
/// <param name="OutputSize">Number of outputs (neurons).</param>
/// <param name="Weights">W as [OutputSize × InputSize], row-major: <c>Weights[o * InputSize + i]</c>.</param>
/// <param name="Bias">b, one value per output.</param>
/// <param name="Activation">Activation applied after the affine map.</param>
/// <param name="Alpha">Slope of <see cref="OnnxActivation.LeakyRelu"/> or alpha of <see cref="OnnxActivation.Elu"/>; ignored otherwise.</param>
internal sealed record OnnxDenseLayer(int InputSize, int OutputSize, float[] Weights, float[] Bias, OnnxActivation Activation, float Alpha = 0f) : OnnxLayer
{
    internal override int OutputWidth(int inputWidth) => OutputSize;

    internal override void Validate(int index, int inputWidth)
    {
        if (InputSize != inputWidth)
            throw new ArgumentException($"Layer {index}: dense layer expects {InputSize} inputs but receives {inputWidth}.");
        if (OutputSize <= 0)
            throw new ArgumentException($"Layer {index}: dense layer needs at least one output.");
        if (Weights.Length != checked(InputSize * OutputSize))
            throw new ArgumentException($"Layer {index}: expected {InputSize * OutputSize} weights, got {Weights.Length}.");
        if (Bias.Length != OutputSize)
            throw new ArgumentException($"Layer {index}: expected {OutputSize} biases, got {Bias.Length}.");
        if (!Enum.IsDefined(Activation))
            throw new ArgumentException($"Layer {index}: unknown activation {Activation}.");
    }
}
