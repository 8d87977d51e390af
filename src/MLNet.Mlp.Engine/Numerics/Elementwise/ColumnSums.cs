using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MLNet.Mlp.Numerics.Elementwise;

/// <summary>The column sums of a row-major matrix (a dense layer's bias gradient Σ_rows δ).</summary>
internal static class ColumnSums
{
    /// <summary>sums[j] = Σ_r matrix[r, j], rows added in order (so the result does not depend on the vector width).</summary>
    // Every training step: compiled optimized from the first call (see docs/jit-tiering.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(ReadOnlySpan<float> matrix, int rows, int columns, Span<float> sums)
    {
        if (matrix.Length < (long)rows * columns) throw new ArgumentException($"The matrix holds {matrix.Length} values; {rows} × {columns} expected.", nameof(matrix));
        if (sums.Length < columns) throw new ArgumentException($"The sums need {columns} values; got {sums.Length}.", nameof(sums));
        sums = sums.Slice(0, columns);
        sums.Clear();
        ref float first = ref MemoryMarshal.GetReference(matrix);
        for (int r = 0; r < rows; r++)
        {
            // In bounds (checked above); a Slice here would cost a bounds check per row of a short row.
            ReadOnlySpan<float> row = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref first, r * columns), columns);
            ElementwiseDriver.Apply<AddOperator>(sums, row, sums);
        }
    }
}
