using MLNet.Mlp.Activations;
using MLNet.Mlp.Tests.GradientChecking;

namespace MLNet.Mlp.Tests.Activations;

public class ActivationGradientTests
{
    private const int Rows = 3, Columns = 5;

    public static TheoryData<string> ActivationNames =>
        ["Identity", "Sigmoid", "Tanh", "Relu", "LeakyRelu(0.1)", "Elu", "Gelu", "Silu", "Softmax"];

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void BackwardMatchesFiniteDifferenceOfForward(string name)
    {
        var activation = NamedActivations.Get(name);
        var random = new Random(17);
        // Inputs at least 0.1 from 0: the ReLU family has a kink there that a 1e-3 step must not straddle.
        var z = FiniteDifference.Uniform(random, Rows * Columns, -3f, 3f, awayFromZero: 0.1f);
        var c = FiniteDifference.Uniform(random, Rows * Columns, -1f, 1f);
        var a = new float[z.Length];

        double Objective()
        {
            activation.Forward(z, a, Columns);
            return FiniteDifference.Dot(c, a);
        }

        var numeric = FiniteDifference.Gradient(z, Objective);
        activation.Forward(z, a, Columns);
        var analytic = new float[z.Length];
        activation.Backward(z, a, c, analytic, Columns);
        FiniteDifference.AssertClose(numeric, analytic, $"{name} dL/dz");
    }

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void BackwardInPlaceOverOutputGradientGivesTheSameResult(string name)
    {
        // DenseLayer passes the same buffer as outputGradient and inputGradient; the interface allows it.
        var activation = NamedActivations.Get(name);
        var random = new Random(5);
        var z = FiniteDifference.Uniform(random, Rows * Columns, -3f, 3f, awayFromZero: 0.1f);
        var c = FiniteDifference.Uniform(random, Rows * Columns, -1f, 1f);
        var a = new float[z.Length];
        activation.Forward(z, a, Columns);
        var separate = new float[z.Length];
        activation.Backward(z, a, c, separate, Columns);
        var inPlace = (float[])c.Clone();
        activation.Backward(z, a, inPlace, inPlace, Columns);
        Assert.Equal(separate, inPlace);
    }

    [Fact]
    public void SoftmaxRowsSumToOneAndSurviveLargeLogits()
    {
        float[] z = [1000f, 1001f, 1002f, -1000f, 0f, 1000f];
        var a = new float[z.Length];
        Activation.Softmax.Forward(z, a, 3);
        Assert.All(a, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1.0, a[0] + a[1] + a[2], 5);
        Assert.Equal(1.0, a[3] + a[4] + a[5], 5);
        // e^0, e^1, e^2 normalized.
        double s = 1 + Math.E + Math.E * Math.E;
        Assert.Equal(1 / s, a[0], 5);
        Assert.Equal(Math.E * Math.E / s, a[2], 5);
        Assert.Equal(1.0, a[5], 6);
    }

    [Fact]
    public void ReluForwardZeroesNegativesAndKeepsNaNAtEveryWidth()
    {
        // NaN must survive the clamp: a diverging network is caught by the NaN it produces.
        for (int width = 1; width <= 70; width++)
        {
            var z = Enumerable.Range(0, width).Select(i => (i % 3 - 1) * (i + 0.5f)).ToArray();
            z[width / 2] = float.NaN;
            var a = new float[width];
            Activation.Relu.Forward(z, a, width);
            for (int i = 0; i < width; i++)
            {
                if (i == width / 2) Assert.True(float.IsNaN(a[i]), $"width {width}: NaN at {i} was replaced by {a[i]}");
                else Assert.Equal(Math.Max(z[i], 0f), a[i]);
            }
        }
    }
}
