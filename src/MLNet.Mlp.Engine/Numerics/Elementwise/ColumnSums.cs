using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLNet.Mlp.Numerics.Elementwise;

/// <summary>The column sums of a row-major matrix (a dense layer's bias gradient Σ_rows δ).</summary>
internal static class ColumnSums
{
    /// <summary>sums[j] = Σ_r matrix[r, j], rows added in order (so the result does not depend on the vector width).</summary>
    // Every training step: optimized from the first call, for the reason GemmDriver.RunPart gives.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(ReadOnlySpan<float> matrix, int rows, int columns, Span<float> sums)
    {
        if (matrix.Length < (long)rows * columns) throw new ArgumentException($"The matrix holds {matrix.Length} values; {rows} × {columns} expected.", nameof(matrix));
        if (sums.Length < columns) throw new ArgumentException($"The sums need {columns} values; got {sums.Length}.", nameof(sums));
        sums = sums.Slice(0, columns);
        sums.Clear();
        ref float s = ref MemoryMarshal.GetReference(sums);
        for (int r = 0; r < rows; r++)
        {
            ref float row = ref Unsafe.Add(ref MemoryMarshal.GetReference(matrix), r * columns);
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; j <= columns - Vector512<float>.Count; j += Vector512<float>.Count)
                    (Vector512.LoadUnsafe(ref s, (nuint)j) + Vector512.LoadUnsafe(ref row, (nuint)j)).StoreUnsafe(ref s, (nuint)j);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                for (; j <= columns - Vector256<float>.Count; j += Vector256<float>.Count)
                    (Vector256.LoadUnsafe(ref s, (nuint)j) + Vector256.LoadUnsafe(ref row, (nuint)j)).StoreUnsafe(ref s, (nuint)j);
            }
            for (; j < columns; j++) Unsafe.Add(ref s, j) += Unsafe.Add(ref row, j);
        }
    }
}
