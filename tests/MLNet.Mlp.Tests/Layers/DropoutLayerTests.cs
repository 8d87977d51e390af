using MLNet.Mlp.Layers;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Numerics;
using MLNet.Mlp.Tests.GradientChecking;

namespace MLNet.Mlp.Tests.Layers;

public class DropoutLayerTests
{
    [Fact]
    public void InputGradientWithAFixedMaskMatchesFiniteDifference()
    {
        // The same seed for every forward pass: the mask is fixed, and dropout is then a linear map.
        var probe = new LayerProbe(new DropoutLayer(0.4f), inputSize: 5, rows: 4, seed: 31, () => new RandomSource(42, 3, 0));
        var numeric = FiniteDifference.Gradient(probe.Input, probe.Objective);
        var analytic = probe.Backward();
        FiniteDifference.AssertClose(numeric, analytic, "Dropout dL/dX");
        // Both kept (scaled by 1/0.6) and dropped (0) entries occur in the fixture.
        Assert.Contains(probe.Cache, m => m == 0f);
        Assert.Contains(probe.Cache, m => Math.Abs(m - 1f / 0.6f) < 1e-6f);
    }

    [Fact]
    public void InvertedScalingKeepsTheExpectedOutputEqualToTheInput()
    {
        const float rate = 0.3f;
        const int rows = 2000, width = 50;
        var layer = new DropoutLayer(rate);
        _ = new Network(width, layer);
        var x = new float[rows * width];
        for (int i = 0; i < x.Length; i++) x[i] = 1f + i % width;   // feature j has value j + 1
        var y = new float[x.Length];
        var cache = new float[layer.CacheSize(rows)];
        layer.Forward(x, y, cache, rows, new ForwardContext(true, 1, new RandomSource(7, 3, 0)));
        int kept = 0;
        double ratioSum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            ratioSum += y[i] / x[i];
            if (y[i] != 0f)
            {
                kept++;
                Assert.Equal(x[i] / (1 - rate), y[i], 1e-5 * y[i]);
            }
        }
        // 100 000 draws: the standard error of the mean ratio is √(rate/(1−rate)/n) ≈ 0.002.
        Assert.Equal(1.0, ratioSum / x.Length, 0.01);
        Assert.Equal(1 - rate, kept / (double)x.Length, 0.01);
    }

    [Fact]
    public void InferenceIsTheIdentity()
    {
        var layer = new DropoutLayer(0.5f);
        var net = new Network(3, layer);
        float[] x = [1.5f, -2f, 0.25f, 7f, 0f, -0.125f];
        var y = new float[6];
        net.Predict(x, y, 2);
        Assert.Equal(x, y);
        var direct = new float[6];
        layer.Forward(x, direct, new float[layer.CacheSize(2)], 2, ForwardContext.Inference(1));
        Assert.Equal(x, direct);
    }

    [Fact]
    public void DifferentRandomSourcesDrawDifferentMasks()
    {
        var layer = new DropoutLayer(0.5f);
        _ = new Network(8, layer);
        var x = Enumerable.Repeat(1f, 64).ToArray();
        var a = new float[64];
        var b = new float[64];
        var cache = new float[layer.CacheSize(8)];
        layer.Forward(x, a, cache, 8, new ForwardContext(true, 1, new RandomSource(1, 3, 0)));
        layer.Forward(x, b, cache, 8, new ForwardContext(true, 1, new RandomSource(1, 3, 1)));
        Assert.NotEqual(a, b);
    }
}
