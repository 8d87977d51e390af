using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLNet.Mlp.Numerics.Elementwise;

/// <summary>Finds NaN and ±∞ quickly: x − x is 0 for every finite x and NaN otherwise.</summary>
// A search that stops at the first failing block, not a map, so it walks the span itself rather than through
// ElementwiseDriver.
internal static class FiniteCheck
{
    /// <summary>The index of the first non-finite value, or −1.</summary>
    // Called every step: compiled optimized from the first call (see docs/jit-tiering.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // Four vectors per test: NaN survives the sum of the x − x, so one compare and branch covers 64 values
            // (the gradient check of every training step). A block that fails is rescanned by the loops below,
            // which report the first non-finite index.
            ref float start = ref MemoryMarshal.GetReference(values);
            int n = Vector512<float>.Count;
            for (; i <= values.Length - 4 * n; i += 4 * n)
            {
                Vector512<float> a = Vector512.LoadUnsafe(ref start, (nuint)i), b = Vector512.LoadUnsafe(ref start, (nuint)(i + n)),
                    c = Vector512.LoadUnsafe(ref start, (nuint)(i + 2 * n)), d = Vector512.LoadUnsafe(ref start, (nuint)(i + 3 * n));
                if (!Vector512.EqualsAll((a - a) + (b - b) + ((c - c) + (d - d)), Vector512<float>.Zero)) break;
            }
            for (; i <= values.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var v = Vector512.Create(values.Slice(i));
                if (!Vector512.EqualsAll(v - v, Vector512<float>.Zero)) break;
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.Create(values.Slice(i));
                if (!Vector256.EqualsAll(v - v, Vector256<float>.Zero)) break;
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= values.Length - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                var v = Vector128.Create(values.Slice(i));
                if (!Vector128.EqualsAll(v - v, Vector128<float>.Zero)) break;
            }
        }
        for (; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }
}
