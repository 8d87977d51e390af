using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Numerics;

/// <summary>Out-of-place transposition of a row-major matrix.</summary>
internal static class MatrixTranspose
{
    // Square tiles, so that both the rows read and the rows written stay in cache while a tile is copied.
    private const int Tile = 32;

    /// <summary>Writes the [<paramref name="columns"/> × <paramref name="rows"/>] transpose of
    /// <paramref name="source"/> ([<paramref name="rows"/> × <paramref name="columns"/>]) into <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(ReadOnlySpan<float> source, int rows, int columns, Span<float> destination)
    {
        long count = (long)rows * columns;
        if (source.Length < count || destination.Length < count)
            throw new ArgumentException($"Transposing a {rows} × {columns} matrix needs {count} values on both sides.");
        for (int r0 = 0; r0 < rows; r0 += Tile)
        {
            int r1 = Math.Min(rows, r0 + Tile);
            for (int c0 = 0; c0 < columns; c0 += Tile)
            {
                int c1 = Math.Min(columns, c0 + Tile);
                for (int r = r0; r < r1; r++)
                {
                    var row = source.Slice(r * columns, columns);
                    for (int c = c0; c < c1; c++) destination[c * rows + r] = row[c];
                }
            }
        }
    }
}
