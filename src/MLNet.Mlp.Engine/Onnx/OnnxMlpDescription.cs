namespace MLNet.Mlp.Onnx;

/// <summary>
/// A trained network described without any training-engine type: what the ONNX writer needs, nothing more.
/// </summary>
/// <param name="InputSize">Number of input features.</param>
/// <param name="Layers">Layers in order, from the input to the output.</param>
/// <param name="Head">How the last layer becomes Score / Probability / PredictedLabel.</param>
/// <param name="InputName">Name of the ONNX graph input. For the ML.NET route it must equal the feature column's name.</param>
internal sealed record OnnxMlpDescription(int InputSize, IReadOnlyList<OnnxLayer> Layers, OnnxHead Head, string InputName = "Features")
{
    /// <summary>Width of the last layer's output (K): 1 for binary, the class count for multiclass.</summary>
    public int OutputSize
    {
        get
        {
            int width = InputSize;
            foreach (var layer in Layers)
                width = layer.OutputWidth(width);
            return width;
        }
    }

    /// <summary>Activation of the last dense layer, or <see cref="OnnxActivation.Identity"/> when there is none.</summary>
    public OnnxActivation FinalActivation => Layers.OfType<OnnxDenseLayer>().LastOrDefault()?.Activation ?? OnnxActivation.Identity;

    /// <summary>Throws <see cref="ArgumentException"/> when sizes do not chain or the head does not fit the last layer.</summary>
    public void Validate()
    {
        if (InputSize <= 0)
            throw new ArgumentException("The network needs at least one input feature.");
        if (string.IsNullOrWhiteSpace(InputName))
            throw new ArgumentException("The ONNX input needs a name.");
        int width = InputSize;
        for (int i = 0; i < Layers.Count; i++)
        {
            Layers[i].Validate(i, width);
            width = Layers[i].OutputWidth(width);
        }
        for (int i = 0; i < Layers.Count - 1; i++)
        {
            if (Layers[i] is OnnxDenseLayer { Activation: OnnxActivation.Softmax })
                throw new ArgumentException($"Layer {i}: Softmax is only supported on the last dense layer.");
        }
        switch (Head)
        {
            case OnnxHead.Binary when width != 1:
                throw new ArgumentException($"A binary head needs one output (the logit), the network has {width}.");
            case OnnxHead.Binary when FinalActivation != OnnxActivation.Identity:
                throw new ArgumentException($"A binary head needs the logit: the last layer must have Identity activation, not {FinalActivation}.");
            case OnnxHead.Multiclass when width < 2:
                throw new ArgumentException($"A multiclass head needs at least two outputs, the network has {width}.");
            case OnnxHead.Multiclass when FinalActivation is not (OnnxActivation.Identity or OnnxActivation.Softmax):
                throw new ArgumentException($"A multiclass head needs logits or probabilities: the last layer's activation must be Identity or Softmax, not {FinalActivation}.");
            case OnnxHead.Regression or OnnxHead.Binary or OnnxHead.Multiclass:
                break;
            default:
                throw new ArgumentException($"Unknown head {Head}.");
        }
    }
}
