using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Tests.Activations;
using MLNet.Mlp.Tests.GradientChecking;

namespace MLNet.Mlp.Tests.Layers;

public class DenseLayerGradientTests
{
    private const int Inputs = 4, Units = 3, Rows = 5;

    public static TheoryData<string> ActivationNames => ["Identity", "Tanh", "Sigmoid", "Relu", "Softmax"];

    private static LayerProbe CreateProbe(string activation)
    {
        // Non-zero biases, so that the bias enters the forward pass being checked. A 1e-3 step must not cross ReLU's
        // kink, so the first bias seed whose pre-activations all stay 0.05 away from 0 is used (deterministic).
        for (int seed = 12; ; seed++)
        {
            var probe = new LayerProbe(new DenseLayer(Units, NamedActivations.Get(activation)), Inputs, Rows, seed: 11);
            var random = new Random(seed);
            for (int i = probe.Network.DecayedParameterCount; i < probe.Network.ParameterCount; i++)
                probe.Network.ParameterArray[i] = random.NextSingle() - 0.5f;
            probe.Objective();
            if (probe.Cache.AsSpan(0, Rows * Units).ToArray().All(z => Math.Abs(z) > 0.05f)) return probe;
        }
    }

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void InputGradientMatchesFiniteDifference(string activation)
    {
        var probe = CreateProbe(activation);
        var numeric = FiniteDifference.Gradient(probe.Input, probe.Objective);
        FiniteDifference.AssertClose(numeric, probe.Backward(), "dL/dX");
    }

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void WeightGradientMatchesFiniteDifference(string activation)
    {
        var probe = CreateProbe(activation);
        var p = probe.Network.ParameterArray;
        var numeric = FiniteDifference.Gradient(p, 0, Units * Inputs, probe.Objective);
        probe.Backward();
        FiniteDifference.AssertClose(numeric, probe.Network.GradientArray.AsSpan(0, Units * Inputs), "dL/dW");
    }

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void BiasGradientMatchesFiniteDifference(string activation)
    {
        var probe = CreateProbe(activation);
        int offset = probe.Network.DecayedParameterCount;
        var numeric = FiniteDifference.Gradient(probe.Network.ParameterArray, offset, Units, probe.Objective);
        probe.Backward();
        FiniteDifference.AssertClose(numeric, probe.Network.GradientArray.AsSpan(offset, Units), "dL/db");
    }

    [Fact]
    public void ForwardComputesXWTransposePlusBias()
    {
        var layer = new DenseLayer(2);
        var net = new MLNet.Mlp.Networks.Network(3, layer);
        // W = [[1, 2, 3], [−1, 0, 1]] (units × inputs), b = [0.5, −2].
        net.SetParameters([1f, 2f, 3f, -1f, 0f, 1f, 0.5f, -2f], []);
        var y = new float[4];
        net.Predict([1f, 1f, 1f, 2f, 0f, -1f], y, 2);
        Assert.Equal([6.5f, -2f, -0.5f, -5f], y);
    }
}
