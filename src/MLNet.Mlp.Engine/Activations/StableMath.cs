using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MLNet.Mlp.Numerics.Elementwise;

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
    /// <exception cref="ArgumentException"><paramref name="x"/> is empty.</exception>
    // Per row of every training batch (the fused softmax cross-entropy): optimized from the first call, and no
    // TensorPrimitives (see docs/jit-tiering.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float LogSumExp(ReadOnlySpan<float> x)
    {
        float max = Max(x);
        if (float.IsNegativeInfinity(max) || float.IsPositiveInfinity(max)) return max;
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += MathF.Exp(x[i] - max);
        return max + (float)Math.Log(sum);
    }

    /// <summary>
    /// Writes softmax(x) to <paramref name="destination"/>; the maximum is subtracted first. −∞ entries get exactly 0;
    /// a row with NaN or +∞ gives NaN throughout. The spans may be the same but must not otherwise overlap.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> is empty, <paramref name="destination"/> is shorter, or the spans partly overlap.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Softmax(ReadOnlySpan<float> x, Span<float> destination)
    {
        if (destination.Length < x.Length) throw new ArgumentException("The destination is shorter than the input.", nameof(destination));
        if (x.Overlaps(destination, out int offset) && offset != 0) throw new ArgumentException("The destination overlaps the input at a different position.", nameof(destination));
        destination = destination.Slice(0, x.Length);
        VectorExp.ExpShifted(x, Max(x), destination);
        Divide(destination, Sum(destination));
    }

    // NaN anywhere makes the softmax NaN whichever maximum is taken (its own exponential is NaN), so the order of
    // comparisons does not matter.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Max(ReadOnlySpan<float> x)
    {
        if (x.IsEmpty) throw new ArgumentException("At least one value is needed.", nameof(x));
        ref float xs = ref MemoryMarshal.GetReference(x);
        int i = 0;
        float max = float.NegativeInfinity;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<float>.Count)
        {
            var m = Vector256.LoadUnsafe(ref xs);
            for (i = Vector256<float>.Count; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                m = Vector256.Max(m, Vector256.LoadUnsafe(ref xs, (nuint)i));
            var h = Vector128.Max(m.GetLower(), m.GetUpper());
            max = MathF.Max(MathF.Max(h[0], h[1]), MathF.Max(h[2], h[3]));
        }
        else if (Vector128.IsHardwareAccelerated && x.Length >= Vector128<float>.Count)
        {
            // A maximum is exact: the width changes which comparisons are made, never the result.
            var h = Vector128.LoadUnsafe(ref xs);
            for (i = Vector128<float>.Count; i <= x.Length - Vector128<float>.Count; i += Vector128<float>.Count)
                h = Vector128.Max(h, Vector128.LoadUnsafe(ref xs, (nuint)i));
            max = MathF.Max(MathF.Max(h[0], h[1]), MathF.Max(h[2], h[3]));
        }
        for (; i < x.Length; i++) max = MathF.Max(max, Unsafe.Add(ref xs, i));
        return max;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Sum(ReadOnlySpan<float> x)
    {
        ref float xs = ref MemoryMarshal.GetReference(x);
        int i = 0;
        float sum = 0f;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<float>.Count)
        {
            var s = Vector256<float>.Zero;
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                s += Vector256.LoadUnsafe(ref xs, (nuint)i);
            sum = Vector256.Sum(s);
        }
        for (; i < x.Length; i++) sum += Unsafe.Add(ref xs, i);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Divide(Span<float> x, float denominator)
    {
        ref float xs = ref MemoryMarshal.GetReference(x);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var d = Vector256.Create(denominator);
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                (Vector256.LoadUnsafe(ref xs, (nuint)i) / d).StoreUnsafe(ref xs, (nuint)i);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var d = Vector128.Create(denominator);
            for (; i <= x.Length - Vector128<float>.Count; i += Vector128<float>.Count)
                (Vector128.LoadUnsafe(ref xs, (nuint)i) / d).StoreUnsafe(ref xs, (nuint)i);
        }
        for (; i < x.Length; i++) Unsafe.Add(ref xs, i) /= denominator;
    }
}
