using MLNet.Mlp.Layers;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>Every number a trained model holds, read through the public read-only layer views, for bit-exact comparisons.</summary>
internal static class ModelWeights
{
    public static float[] Of(MlpModelParameters model)
    {
        var all = new List<float>();
        foreach (var layer in model.Layers)
        {
            switch (layer)
            {
                case DenseLayer d:
                    all.AddRange(d.Weights.ToArray());
                    all.AddRange(d.Bias.ToArray());
                    break;
                case BatchNormLayer b:
                    all.AddRange(b.Scale.ToArray());
                    all.AddRange(b.Shift.ToArray());
                    all.AddRange(b.RunningMean.ToArray());
                    all.AddRange(b.RunningVariance.ToArray());
                    break;
            }
        }
        return [.. all];
    }

    /// <summary>Asserts bit-identical weights (compared as raw bits, so -0 and NaN payloads count too).</summary>
    public static void AssertIdentical(MlpModelParameters expected, MlpModelParameters actual)
    {
        var e = Of(expected);
        var a = Of(actual);
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(e[i]) == BitConverter.SingleToInt32Bits(a[i]), $"parameter {i}: {e[i]:R} vs {a[i]:R}");
    }
}
