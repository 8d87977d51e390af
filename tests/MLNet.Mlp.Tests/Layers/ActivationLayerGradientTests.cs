using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Tests.GradientChecking;

namespace MLNet.Mlp.Tests.Layers;

public class ActivationLayerGradientTests
{
    [Theory]
    [InlineData("Tanh")]
    [InlineData("Softmax")]
    public void InputGradientMatchesFiniteDifference(string name)
    {
        IActivation activation = name == "Tanh" ? Activation.Tanh : Activation.Softmax;
        var probe = new LayerProbe(new ActivationLayer(activation), inputSize: 4, rows: 3, seed: 2);
        Assert.Equal(0, probe.Network.ParameterCount);
        var numeric = FiniteDifference.Gradient(probe.Input, probe.Objective);
        FiniteDifference.AssertClose(numeric, probe.Backward(), $"{name} layer dL/dX");
    }
}
