using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Tasks;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Fitting;

/// <summary>The network the options describe: the hidden layers (with batch normalization and dropout when set), then the task's output layer.</summary>
internal static class NetworkBuilder
{
    /// <summary>Builds the network, not yet initialized.</summary>
    public static Network Build(MlpOptionsBase options, MlpTaskHead head, int features, int outputs)
        => new(features, Layers(options, head, outputs));

    /// <summary>The network's layers, unbuilt: nothing is allocated until a network is made of them.</summary>
    public static List<Layer> Layers(MlpOptionsBase options, MlpTaskHead head, int outputs)
    {
        var o = options;
        var layers = new List<Layer>();
        var initializer = o.Initializer ?? MlpDefaults.Initializer;
        foreach (int width in o.HiddenLayers)
        {
            if (o.BatchNormalization)
            {
                layers.Add(new DenseLayer(width, Activation.Identity, initializer));
                layers.Add(new BatchNormLayer());
                layers.Add(new ActivationLayer(o.Activation));
            }
            else
            {
                layers.Add(new DenseLayer(width, o.Activation, initializer));
            }
            if (o.DropoutRate > 0f) layers.Add(new DropoutLayer(o.DropoutRate));
        }
        layers.Add(new DenseLayer(outputs, head.OutputActivation, initializer));
        return layers;
    }
}
