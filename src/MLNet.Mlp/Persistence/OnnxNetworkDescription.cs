using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Onnx;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Persistence;

/// <summary>
/// Translates a trained model into the ONNX exporter's neutral description, folding what inference does not need
/// as separate operations: batch normalization after an identity dense layer goes into that layer's weights, a
/// stand-alone activation becomes the dense layer's activation, dropout disappears, and regression label
/// standardization goes into the output layer.
/// </summary>
internal static class OnnxNetworkDescription
{
    /// <param name="model">The model.</param>
    /// <param name="inputName">The ONNX input's name.</param>
    /// <param name="withParameters">False for the shape alone (empty weight and bias arrays): whether a model can be
    /// exported is decided by its layers, and copying a first layer of 10⁵–10⁶ inputs to learn it would cost its size.</param>
    public static OnnxMlpDescription From(MlpModelParameters model, string inputName, bool withParameters = true)
    {
        var layers = new List<OnnxLayer>();
        foreach (var layer in model.Network.Layers)
        {
            switch (layer)
            {
                case DenseLayer d:
                    layers.Add(new OnnxDenseLayer(d.InputSize, d.Units, withParameters ? d.Weights.ToArray() : [], withParameters ? d.Bias.ToArray() : [],
                        Map(d.Activation, out float alpha), alpha));
                    break;
                case BatchNormLayer b:
                {
                    var (scale, shift) = b.InferenceAffine();
                    if (layers.Count > 0 && layers[^1] is OnnxDenseLayer { Activation: OnnxActivation.Identity } dense)
                        layers[^1] = FoldAffine(dense, scale, shift);
                    else
                        layers.Add(new OnnxAffineLayer(scale, shift));
                    break;
                }
                case ActivationLayer a:
                {
                    var activation = Map(a.Activation, out float slope);
                    if (layers.Count > 0 && layers[^1] is OnnxDenseLayer { Activation: OnnxActivation.Identity } dense)
                        layers[^1] = dense with { Activation = activation, Alpha = slope };
                    else if (activation != OnnxActivation.Identity)
                        throw new NotSupportedException($"An activation layer ({a}) that does not follow a dense layer cannot be exported to ONNX.");
                    break;
                }
                case DropoutLayer:
                    break;
                default:
                    throw new NotSupportedException($"Layer {layer} cannot be exported to ONNX.");
            }
        }

        if (layers[^1] is not OnnxDenseLayer last)
            throw new NotSupportedException("The network must end in a dense layer to be exported to ONNX.");
        last = model.Head.OnnxOutputLayer(last);
        if (model.LabelMean is { } mean && model.LabelScale is { } labelScale)
            last = FoldOutputScale(last, labelScale, mean);
        layers[^1] = last;
        return new OnnxMlpDescription(model.FeatureCount, layers, model.Head.OnnxHead, inputName);
    }

    private static OnnxActivation Map(IActivation activation, out float alpha)
    {
        alpha = 0f;
        switch (activation)
        {
            case IdentityActivation: return OnnxActivation.Identity;
            case SigmoidActivation: return OnnxActivation.Sigmoid;
            case TanhActivation: return OnnxActivation.Tanh;
            case ReluActivation: return OnnxActivation.Relu;
            case LeakyReluActivation l: alpha = l.Slope; return OnnxActivation.LeakyRelu;
            case EluActivation e: alpha = e.Alpha; return OnnxActivation.Elu;
            case GeluActivation: return OnnxActivation.Gelu;
            case SiluActivation: return OnnxActivation.Silu;
            case SoftmaxActivation: return OnnxActivation.Softmax;
            default:
                throw new NotSupportedException($"The custom activation '{activation.Name}' has no ONNX form, so this model cannot be exported to ONNX "
                    + "or saved with mlContext.Model.Save; save a checkpoint with MlpModelParameters.Save instead.");
        }
    }

    // y = scale ⊙ (W x + b) + shift, per output unit.
    private static OnnxDenseLayer FoldAffine(OnnxDenseLayer dense, float[] scale, float[] shift)
    {
        if (dense.Weights.Length == 0) return dense;
        var weights = (float[])dense.Weights.Clone();
        var bias = new float[dense.OutputSize];
        for (int o = 0; o < dense.OutputSize; o++)
        {
            for (int i = 0; i < dense.InputSize; i++) weights[o * dense.InputSize + i] *= scale[o];
            bias[o] = dense.Bias[o] * scale[o] + shift[o];
        }
        return dense with { Weights = weights, Bias = bias };
    }

    private static OnnxDenseLayer FoldOutputScale(OnnxDenseLayer last, float[] scale, float[] mean)
    {
        if (last.Activation != OnnxActivation.Identity)
            throw new NotSupportedException("Label standardization can only be folded into an identity output layer.");
        return FoldAffine(last, scale, mean);
    }
}
