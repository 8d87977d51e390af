using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLNet.Mlp.Numerics.Elementwise;

/// <summary>
/// y ← x·a + y, the sparse first layer's row update (a non-zero times a weight row, or times a row of δ). The product
/// and the sum are rounded separately, never fused, so each element is that of the scalar loop whatever the vector
/// width.
/// </summary>
// Ours rather than TensorPrimitives.MultiplyAdd: compiled optimized from the first call (see docs/jit-tiering.md).
internal static class ScaledAdd
{
    /// <summary>y[i] ← x[i]·a + y[i] for the first x.Length elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Into(ReadOnlySpan<float> x, float a, Span<float> y)
    {
        int n = x.Length, i = 0;
        if (y.Length < n) throw new ArgumentException($"Expected at least {n} values to add into; got {y.Length}.", nameof(y));
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                Vector512.StoreUnsafe(Vector512.LoadUnsafe(ref xs, (nuint)i) * va + Vector512.LoadUnsafe(ref ys, (nuint)i), ref ys, (nuint)i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref xs, (nuint)i) * va + Vector256.LoadUnsafe(ref ys, (nuint)i), ref ys, (nuint)i);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var va = Vector128.Create(a);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
                Vector128.StoreUnsafe(Vector128.LoadUnsafe(ref xs, (nuint)i) * va + Vector128.LoadUnsafe(ref ys, (nuint)i), ref ys, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref ys, i) = Unsafe.Add(ref xs, i) * a + Unsafe.Add(ref ys, i);
    }
}
