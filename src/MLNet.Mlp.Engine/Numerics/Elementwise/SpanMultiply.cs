using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLNet.Mlp.Numerics.Elementwise;

/// <summary>
/// Element-wise products on the training step's path: dropout's mask, gradient clipping and decoupled weight decay.
/// Each element is one IEEE product, whatever the vector width, so the results are those of the scalar loop.
/// </summary>
// Ours rather than TensorPrimitives.Multiply: optimized from the first call, for the reason GemmDriver.RunPart gives.
internal static class SpanMultiply
{
    /// <summary>destination[i] = x[i] · y[i]; the destination may be one of the inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pointwise(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        int n = x.Length;
        if (y.Length != n || destination.Length < n) throw new ArgumentException($"Expected {n} values in every span; got {y.Length} and a destination of {destination.Length}.");
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        ref float ds = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                (Vector512.LoadUnsafe(ref xs, (nuint)i) * Vector512.LoadUnsafe(ref ys, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                (Vector256.LoadUnsafe(ref xs, (nuint)i) * Vector256.LoadUnsafe(ref ys, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref ds, i) = Unsafe.Add(ref xs, i) * Unsafe.Add(ref ys, i);
    }

    /// <summary>values[i] ← values[i] · scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ByScalar(Span<float> values, float scale)
    {
        ref float vs = ref MemoryMarshal.GetReference(values);
        int n = values.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(scale);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                (Vector512.LoadUnsafe(ref vs, (nuint)i) * s).StoreUnsafe(ref vs, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(scale);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                (Vector256.LoadUnsafe(ref vs, (nuint)i) * s).StoreUnsafe(ref vs, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref vs, i) *= scale;
    }
}
