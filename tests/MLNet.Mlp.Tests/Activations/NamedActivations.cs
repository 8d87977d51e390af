using MLNet.Mlp.Activations;

namespace MLNet.Mlp.Tests.Activations;

/// <summary>The built-in activations by the names theory data uses (xunit data must be serializable, so tests pass names).</summary>
internal static class NamedActivations
{
    /// <summary>The activation called <paramref name="name"/>; "LeakyRelu(0.1)" is a leaky ReLU of slope 0.1.</summary>
    public static IActivation Get(string name) => name switch
    {
        "Identity" => Activation.Identity,
        "Sigmoid" => Activation.Sigmoid,
        "Tanh" => Activation.Tanh,
        "Relu" => Activation.Relu,
        "LeakyRelu" => Activation.LeakyRelu,
        "LeakyRelu(0.1)" => new LeakyReluActivation(0.1f),
        "Elu" => Activation.Elu,
        "Gelu" => Activation.Gelu,
        "Silu" => Activation.Silu,
        "Softmax" => Activation.Softmax,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a built-in activation name."),
    };
}
