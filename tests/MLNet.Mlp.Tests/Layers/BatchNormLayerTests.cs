using MLNet.Mlp.Layers;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Tests.GradientChecking;

namespace MLNet.Mlp.Tests.Layers;

public class BatchNormLayerTests
{
    private const int Features = 4, Rows = 6;

    private static LayerProbe CreateProbe()
    {
        var probe = new LayerProbe(new BatchNormLayer(), Features, Rows, seed: 21);
        var random = new Random(22);
        var p = probe.Network.ParameterArray;   // [γ (4), β (4)]
        for (int j = 0; j < Features; j++)
        {
            p[j] = 0.5f + random.NextSingle();          // γ in [0.5, 1.5)
            p[Features + j] = random.NextSingle() - 0.5f;
        }
        // Give each feature its own mean and spread, as real pre-activations have.
        for (int r = 0; r < Rows; r++)
            for (int j = 0; j < Features; j++)
                probe.Input[r * Features + j] = probe.Input[r * Features + j] * (j + 1) + 3 * j;
        return probe;
    }

    [Fact]
    public void TrainingInputGradientMatchesFiniteDifference()
    {
        var probe = CreateProbe();
        var numeric = FiniteDifference.Gradient(probe.Input, probe.Objective);
        FiniteDifference.AssertClose(numeric, probe.Backward(), "BatchNorm dL/dX");
    }

    [Fact]
    public void TrainingScaleGradientMatchesFiniteDifference()
    {
        var probe = CreateProbe();
        var numeric = FiniteDifference.Gradient(probe.Network.ParameterArray, 0, Features, probe.Objective);
        probe.Backward();
        FiniteDifference.AssertClose(numeric, probe.Network.GradientArray.AsSpan(0, Features), "BatchNorm dL/dγ");
    }

    [Fact]
    public void TrainingShiftGradientMatchesFiniteDifference()
    {
        var probe = CreateProbe();
        var numeric = FiniteDifference.Gradient(probe.Network.ParameterArray, Features, Features, probe.Objective);
        probe.Backward();
        FiniteDifference.AssertClose(numeric, probe.Network.GradientArray.AsSpan(Features, Features), "BatchNorm dL/dβ");
    }

    [Fact]
    public void TrainingOutputIgnoresTheRunningStatisticsItUpdates()
    {
        var probe = CreateProbe();
        probe.Objective();
        var first = (float[])probe.Output.Clone();
        var stateAfterFirst = probe.Network.State.ToArray();
        probe.Objective();
        Assert.NotEqual(stateAfterFirst, probe.Network.State.ToArray());   // the running averages moved…
        Assert.Equal(first, probe.Output);                                 // …and the batch-statistics output did not
    }

    [Fact]
    public void TrainingNormalizesEachFeatureToZeroMeanUnitVarianceBeforeTheAffineMap()
    {
        var probe = CreateProbe();
        probe.Objective();
        var gamma = probe.Network.Parameters.Span.Slice(0, Features);
        var beta = probe.Network.Parameters.Span.Slice(Features, Features);
        for (int j = 0; j < Features; j++)
        {
            double mean = 0, sq = 0;
            for (int r = 0; r < Rows; r++)
            {
                double h = (probe.Output[r * Features + j] - beta[j]) / gamma[j];
                mean += h;
                sq += h * h;
            }
            mean /= Rows;
            Assert.Equal(0.0, mean, 5);
            Assert.Equal(1.0, sq / Rows - mean * mean, 3);   // biased variance, ε = 1e-5 barely shows
        }
    }

    [Fact]
    public void RunningAveragesFollowTheMomentumFormulaWithUnbiasedVariance()
    {
        const float momentum = 0.25f;
        var layer = new BatchNormLayer(momentum);
        var net = new Network(2, layer);
        net.Initialize(0);
        Assert.Equal([0f, 0f, 1f, 1f], net.State.ToArray());   // mean 0, variance 1 to start
        float[] x = [1f, 10f, 2f, 20f, 6f, 60f];              // feature 0: mean 3, Σd² 14; feature 1: mean 30, Σd² 1400
        var output = new float[6];
        var cache = new float[layer.CacheSize(3)];
        layer.Forward(x, output, cache, 3, new ForwardContext(true, 1, null));
        double[] mean = [3, 30], unbiased = [14.0 / 2, 1400.0 / 2];
        var state = net.State.Span;
        for (int j = 0; j < 2; j++)
        {
            Assert.Equal((1 - momentum) * 0 + momentum * mean[j], state[j], 1e-5);
            Assert.Equal((1 - momentum) * 1 + momentum * unbiased[j], state[2 + j], 1e-4);
        }
        // A second batch moves them again from where they are.
        float[] previous = state.ToArray();
        float[] x2 = [0f, 0f, 0f, 0f, 3f, 3f];                 // both features: mean 1, Σd² 6
        layer.Forward(x2, output, cache, 3, new ForwardContext(true, 1, null));
        for (int j = 0; j < 2; j++)
        {
            Assert.Equal((1 - momentum) * previous[j] + momentum * 1.0, state[j], 1e-5);
            Assert.Equal((1 - momentum) * previous[2 + j] + momentum * 3.0, state[2 + j], 1e-4);
        }
    }

    [Fact]
    public void InferenceUsesTheRunningAveragesNotTheBatch()
    {
        var layer = new BatchNormLayer(epsilon: 1e-5f);
        var net = new Network(2, layer);
        // γ = [2, 0.5], β = [1, −1]; running mean [1, −2], running variance [4, 0.25].
        net.SetParameters([2f, 0.5f, 1f, -1f], [1f, -2f, 4f, 0.25f]);
        float[] x = [3f, -2f, -1f, 0f];
        var y = new float[4];
        net.Predict(x, y, 2);
        double s0 = Math.Sqrt(4 + 1e-5), s1 = Math.Sqrt(0.25 + 1e-5);
        Assert.Equal(2 * (3 - 1) / s0 + 1, y[0], 5);       // ≈ 3
        Assert.Equal(0.5 * (-2 + 2) / s1 - 1, y[1], 5);    // = −1
        Assert.Equal(2 * (-1 - 1) / s0 + 1, y[2], 5);      // ≈ −1
        Assert.Equal(0.5 * (0 + 2) / s1 - 1, y[3], 5);     // ≈ 1
        // A single row is normalized the same way (no batch statistics), and inference leaves the state alone.
        var one = new float[2];
        net.Predict(x.AsSpan(2), one, 1);
        Assert.Equal(y[2], one[0]);
        Assert.Equal(y[3], one[1]);
        Assert.Equal([1f, -2f, 4f, 0.25f], net.State.ToArray());
    }
}
