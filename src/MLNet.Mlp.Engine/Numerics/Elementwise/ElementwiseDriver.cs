using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLNet.Mlp.Numerics.Elementwise;

/// <summary>
/// Maps an <see cref="IBinaryOperator"/> over spans: 512-bit vectors where the hardware has them, then 256-bit, then
/// 128-bit, then one value at a time for the last few. The destination may be one of the inputs (each element is read
/// before it is written) but must not otherwise overlap them. Callers check the lengths and report them in their own
/// terms; the driver checks again only so that it never reads or writes outside a span.
/// </summary>
internal static class ElementwiseDriver
{
    /// <summary>destination[i] = f(x[i], y[i]) for i &lt; x.Length.</summary>
    // Inlined into the kernel that calls it, which is compiled optimized from the first call (see docs/jit-tiering.md).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply<TOperator>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
        where TOperator : struct, IBinaryOperator
    {
        int n = x.Length;
        if (y.Length < n || destination.Length < n) ThrowShorterThanInput();
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        ref float ds = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                TOperator.Invoke(Vector512.LoadUnsafe(ref xs, (nuint)i), Vector512.LoadUnsafe(ref ys, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                TOperator.Invoke(Vector256.LoadUnsafe(ref xs, (nuint)i), Vector256.LoadUnsafe(ref ys, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
                TOperator.Invoke(Vector128.LoadUnsafe(ref xs, (nuint)i), Vector128.LoadUnsafe(ref ys, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        }

        for (; i < n; i++)
            Unsafe.Add(ref ds, i) = TOperator.Invoke(Unsafe.Add(ref xs, i), Unsafe.Add(ref ys, i));
    }

    /// <summary>destination[i] = f(x[i], y) for i &lt; x.Length.</summary>
    // Inlined into the kernel that calls it, which is compiled optimized from the first call (see docs/jit-tiering.md).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply<TOperator>(ReadOnlySpan<float> x, float y, Span<float> destination)
        where TOperator : struct, IBinaryOperator
    {
        int n = x.Length;
        if (destination.Length < n) ThrowShorterThanInput();
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ds = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var y512 = Vector512.Create(y);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                TOperator.Invoke(Vector512.LoadUnsafe(ref xs, (nuint)i), y512).StoreUnsafe(ref ds, (nuint)i);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var y256 = Vector256.Create(y);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                TOperator.Invoke(Vector256.LoadUnsafe(ref xs, (nuint)i), y256).StoreUnsafe(ref ds, (nuint)i);
        }

        if (Vector128.IsHardwareAccelerated)
        {
            var y128 = Vector128.Create(y);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
                TOperator.Invoke(Vector128.LoadUnsafe(ref xs, (nuint)i), y128).StoreUnsafe(ref ds, (nuint)i);
        }

        for (; i < n; i++)
            Unsafe.Add(ref ds, i) = TOperator.Invoke(Unsafe.Add(ref xs, i), y);
    }

    [DoesNotReturn]
    private static void ThrowShorterThanInput() =>
        throw new ArgumentException("An input or the destination is shorter than the first input.");
}
