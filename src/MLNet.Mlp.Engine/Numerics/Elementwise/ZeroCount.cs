using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLNet.Mlp.Numerics.Elementwise;

/// <summary>Counts the zeros (of either sign) of a buffer.</summary>
internal static class ZeroCount
{
    /// <summary>How many elements of <paramref name="values"/> equal zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Of(ReadOnlySpan<float> values)
    {
        ref float start = ref MemoryMarshal.GetReference(values);
        long count = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                count += BitOperations.PopCount(Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)i), Vector256<float>.Zero).ExtractMostSignificantBits());
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= values.Length - Vector128<float>.Count; i += Vector128<float>.Count)
                count += BitOperations.PopCount(Vector128.Equals(Vector128.LoadUnsafe(ref start, (nuint)i), Vector128<float>.Zero).ExtractMostSignificantBits());
        }
        for (; i < values.Length; i++)
            if (values[i] == 0f) count++;
        return count;
    }
}
