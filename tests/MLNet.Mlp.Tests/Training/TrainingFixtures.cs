using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Metrics;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Training;

/// <summary>Plain gradient descent θ ← θ − η·g, defined here so the training tests do not depend on the optimizer branch.</summary>
internal sealed class TestSgd : IOptimizer
{
    public string Name => "TestSgd";

    public OptimizerState CreateState(int parameterCount) => new(0, parameterCount);

    public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, OptimizerState state, in OptimizerStep step)
    {
        for (int i = 0; i < parameters.Length; i++) parameters[i] -= step.LearningRate * gradients[i];
    }
}

/// <summary>A metric that reports a scripted sequence, one value per call, to drive early stopping exactly.</summary>
internal sealed class ScriptedMetric(bool higherIsBetter, params double[] values) : IMetric
{
    private int _calls;

    public string Name => "Scripted";

    public bool HigherIsBetter => higherIsBetter;

    public double Compute(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights, int columns)
        => values[_calls++];
}

internal static class TrainingFixtures
{
    /// <summary>A 3-class problem on 4 features: the class is the arg-max of three fixed linear scores.</summary>
    public static TrainingData Classification(int rows, int seed)
    {
        var random = new Random(seed);
        var x = new float[rows * 4];
        var y = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < 4; j++) x[r * 4 + j] = 2 * random.NextSingle() - 1;
            float s0 = x[r * 4] + x[r * 4 + 1], s1 = x[r * 4 + 2] - x[r * 4], s2 = x[r * 4 + 3] - x[r * 4 + 1];
            y[r] = s0 >= s1 && s0 >= s2 ? 0 : s1 >= s2 ? 1 : 2;
        }
        return new TrainingData(x, 4, y, 1);
    }

    /// <summary>4 → Dense(16, ReLU) → BatchNorm → Dropout(0.2) → Dense(3, softmax): every stochastic and stateful layer.</summary>
    public static Network ClassificationNetwork(int seed, float dropout = 0.2f)
    {
        var net = new Network(4, new DenseLayer(16, Activation.Relu), new BatchNormLayer(), new DropoutLayer(dropout), new DenseLayer(3, Activation.Softmax));
        net.Initialize(seed);
        return net;
    }

    public static bool BitIdentical(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i])) return false;
        return true;
    }

    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values) if (!float.IsFinite(v)) return false;
        return true;
    }
}
