using MLNet.Mlp.Onnx;

namespace MLNet.Mlp.Tests.Onnx;

/// <summary>Small random networks for the export tests.</summary>
internal static class RandomNetworks
{
    public static OnnxDenseLayer Dense(Random rng, int inputs, int outputs, OnnxActivation activation, float alpha = 0f)
    {
        double scale = 1.5 / Math.Sqrt(inputs);
        var w = Enumerable.Range(0, inputs * outputs).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
        var b = Enumerable.Range(0, outputs).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        return new OnnxDenseLayer(inputs, outputs, w, b, activation, alpha);
    }

    public static OnnxAffineLayer Affine(Random rng, int width) => new(
        Enumerable.Range(0, width).Select(_ => (float)(0.5 + rng.NextDouble())).ToArray(),
        Enumerable.Range(0, width).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray());

    /// <summary>input → dense(hidden, activation) → affine → dense(outputs, lastActivation).</summary>
    public static OnnxMlpDescription Create(int seed, OnnxHead head, int inputs, int hidden, int outputs,
        OnnxActivation activation = OnnxActivation.Tanh, OnnxActivation lastActivation = OnnxActivation.Identity, string inputName = "Features")
    {
        var rng = new Random(seed);
        float alpha = activation == OnnxActivation.Elu ? 0.7f : 0.05f;
        OnnxLayer[] layers =
        [
            Dense(rng, inputs, hidden, activation, alpha),
            Affine(rng, hidden),
            Dense(rng, hidden, outputs, lastActivation),
        ];
        return new OnnxMlpDescription(inputs, layers, head, inputName);
    }

    public static float[][] Rows(int seed, int count, int features)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, features).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray())
            .ToArray();
    }
}
