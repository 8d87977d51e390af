using MLNet.Mlp.Onnx;

namespace MLNet.Mlp.Tests.Onnx;

/// <summary>A plain double-precision forward pass over an <see cref="OnnxMlpDescription"/>, the oracle for the ONNX tests.</summary>
internal static class ReferenceMlp
{
    /// <summary>Output of the last layer for one row (before the head).</summary>
    public static double[] Forward(OnnxMlpDescription description, float[] input)
    {
        double[] x = input.Select(v => (double)v).ToArray();
        foreach (var layer in description.Layers)
        {
            switch (layer)
            {
                case OnnxDenseLayer d:
                    var y = new double[d.OutputSize];
                    for (int o = 0; o < d.OutputSize; o++)
                    {
                        double sum = d.Bias[o];
                        for (int i = 0; i < d.InputSize; i++)
                            sum += (double)d.Weights[o * d.InputSize + i] * x[i];
                        y[o] = sum;
                    }
                    x = Activate(d.Activation, d.Alpha, y);
                    break;
                case OnnxAffineLayer a:
                    x = x.Select((v, i) => v * a.Scale[i] + a.Shift[i]).ToArray();
                    break;
                default:
                    throw new NotSupportedException(layer.GetType().Name);
            }
        }
        return x;
    }

    public static double[] Softmax(double[] z)
    {
        double max = z.Max();
        var e = z.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    public static int ArgMax(double[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return best;
    }

    private static double[] Activate(OnnxActivation activation, double alpha, double[] y) => activation switch
    {
        OnnxActivation.Identity => y,
        OnnxActivation.Sigmoid => y.Select(Sigmoid).ToArray(),
        OnnxActivation.Tanh => y.Select(Math.Tanh).ToArray(),
        OnnxActivation.Relu => y.Select(v => Math.Max(0, v)).ToArray(),
        OnnxActivation.LeakyRelu => y.Select(v => v >= 0 ? v : alpha * v).ToArray(),
        OnnxActivation.Elu => y.Select(v => v >= 0 ? v : alpha * (Math.Exp(v) - 1)).ToArray(),
        OnnxActivation.Gelu => y.Select(v => 0.5 * v * (1 + Erf(v / Math.Sqrt(2)))).ToArray(),
        OnnxActivation.Silu => y.Select(v => v * Sigmoid(v)).ToArray(),
        OnnxActivation.Softmax => Softmax(y),
        _ => throw new NotSupportedException(activation.ToString()),
    };

    /// <summary>erf via its Maclaurin series / continued fraction; accurate to ~1e-15 for the ranges used here.</summary>
    public static double Erf(double x)
    {
        if (Math.Abs(x) > 6)
            return Math.Sign(x);
        if (Math.Abs(x) < 2.5)
        {
            // Maclaurin series: erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1)).
            double sum = 0, term = x;
            for (int n = 0; n < 80; n++)
            {
                sum += term / (2 * n + 1);
                term *= -x * x / (n + 1);
            }
            return 2 / Math.Sqrt(Math.PI) * sum;
        }
        // Continued fraction for erfc for larger |x|.
        double ax = Math.Abs(x), f = 0;
        for (int n = 60; n >= 1; n--)
            f = n / 2.0 / (ax + f);
        double erfc = Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / (ax + f);
        return Math.Sign(x) * (1 - erfc);
    }
}
