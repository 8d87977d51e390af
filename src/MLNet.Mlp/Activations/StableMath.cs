using System.Numerics.Tensors;

namespace MLNet.Mlp.Activations;

/// <summary>Numerically stable sigmoid, softmax, log-sigmoid and log-sum-exp.</summary>
public static class StableMath
{
    /// <summary>σ(x) = 1/(1+e^−x), evaluated so that no intermediate overflows.</summary>
    public static float Sigmoid(float x)
    {
        if (x >= 0f) return 1f / (1f + MathF.Exp(-x));
        float e = MathF.Exp(x);
        return e / (1f + e);
    }

    /// <summary>log σ(x) = −log(1 + e^−x) = min(x, 0) − log(1 + e^−|x|), finite for every finite x.</summary>
    public static float LogSigmoid(float x) => MathF.Min(x, 0f) - MathF.Log(1f + MathF.Exp(-MathF.Abs(x)));

    /// <summary>log Σ e^{x_j}, shifted by the maximum so it neither overflows nor underflows to −∞.</summary>
    public static float LogSumExp(ReadOnlySpan<float> x)
    {
        float max = TensorPrimitives.Max(x);
        if (float.IsNegativeInfinity(max) || float.IsPositiveInfinity(max)) return max;
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += MathF.Exp(x[i] - max);
        return max + (float)Math.Log(sum);
    }

    /// <summary>Writes softmax(x) to <paramref name="destination"/>; the maximum is subtracted first.</summary>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> destination)
    {
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, destination);
        TensorPrimitives.Exp(destination, destination);
        float sum = TensorPrimitives.Sum(destination);
        TensorPrimitives.Divide(destination, sum, destination);
    }
}
