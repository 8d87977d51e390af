using System.Runtime.Intrinsics;

namespace MLNet.Mlp.Numerics;

/// <summary>Finds NaN and ±∞ quickly: x − x is 0 for every finite x and NaN otherwise.</summary>
internal static class FiniteCheck
{
    /// <summary>The index of the first non-finite value, or −1.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
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
        for (; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }
}
