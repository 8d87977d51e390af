using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MLNet.Mlp.Activations;

/// <summary>
/// Applies a <see cref="System.Numerics.Tensors.TensorPrimitives"/> function so that each row's result does not depend
/// on how many rows share the call. TensorPrimitives picks its code path from the span length (scalar below 4 floats,
/// narrower vectors below 16) and those paths round transcendental functions differently; rows narrower than the
/// widest vector therefore go one at a time, and a row scored inside a batch equals the row scored alone.
/// </summary>
internal static class RowwiseMap
{
    /// <summary>An element-wise function of a span.</summary>
    internal delegate void SpanFunction(ReadOnlySpan<float> x, Span<float> destination);

    /// <summary>Applies <paramref name="function"/> to <paramref name="z"/> ([rows × <paramref name="columns"/>]) into <paramref name="a"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(ReadOnlySpan<float> z, Span<float> a, int columns, SpanFunction function)
    {
        if (columns >= Vector512<float>.Count || z.Length <= columns)
        {
            function(z, a);
            return;
        }

        for (int start = 0; start < z.Length; start += columns)
        {
            function(z.Slice(start, columns), a.Slice(start, columns));
        }
    }
}
