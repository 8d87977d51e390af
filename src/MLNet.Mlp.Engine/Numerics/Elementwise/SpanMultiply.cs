using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Numerics.Elementwise;

/// <summary>
/// Element-wise products on the training step's path: dropout's mask, gradient clipping and decoupled weight decay.
/// Each element is one IEEE product, whatever the vector width, so the results are those of the scalar loop.
/// </summary>
// Ours rather than TensorPrimitives.Multiply: compiled optimized from the first call (see docs/jit-tiering.md).
internal static class SpanMultiply
{
    /// <summary>destination[i] = x[i] · y[i]; the destination may be one of the inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pointwise(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        int n = x.Length;
        if (y.Length != n || destination.Length < n) throw new ArgumentException($"Expected {n} values in every span; got {y.Length} and a destination of {destination.Length}.");
        ElementwiseDriver.Apply<MultiplyOperator>(x, y, destination);
    }

    /// <summary>values[i] ← values[i] · scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ByScalar(Span<float> values, float scale) => ElementwiseDriver.Apply<MultiplyOperator>(values, scale, values);
}
