namespace MLNet.Mlp.Training;

/// <summary>
/// Feature rows kept sparse, in compressed sparse row (CSR) form: row r's non-zero values are
/// <see cref="Values"/>[<see cref="RowStarts"/>[r] .. <see cref="RowStarts"/>[r + 1]) at the columns
/// <see cref="Indices"/> of the same range, ascending within the row. Text features (bags of words, n-grams) hold a
/// few hundred non-zeros among 10⁵–10⁶ columns; kept this way they take memory in proportion to the non-zeros.
/// </summary>
/// <remarks>The arrays are used as they are, not copied. <see cref="Values"/> may be rescaled in place before training
/// (a per-column scale keeps the zeros zero); the structure must not change.</remarks>
public sealed class SparseRows
{
    /// <summary>Wraps CSR arrays, checking their structure and that every value is finite.</summary>
    /// <param name="columns">The width of a row (the feature count); positive.</param>
    /// <param name="rowStarts">rows + 1 offsets, starting at 0 and non-decreasing; the last is the non-zero count.</param>
    /// <param name="indices">The column of each stored value, ascending within a row and below <paramref name="columns"/>.</param>
    /// <param name="values">The stored values, as many as <paramref name="indices"/>.</param>
    /// <exception cref="ArgumentException">The arrays do not form valid CSR rows, or a value is not finite.</exception>
    public SparseRows(int columns, int[] rowStarts, int[] indices, float[] values)
    {
        ArgumentNullException.ThrowIfNull(rowStarts);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (rowStarts.Length < 1 || rowStarts[0] != 0)
            throw new ArgumentException("Row offsets must start with 0.", nameof(rowStarts));
        if (indices.Length != values.Length || rowStarts[^1] != indices.Length)
            throw new ArgumentException($"The last row offset ({rowStarts[^1]}) must equal the number of indices ({indices.Length}) and of values ({values.Length}).", nameof(indices));
        for (int r = 0; r < rowStarts.Length - 1; r++)
        {
            int lo = rowStarts[r], hi = rowStarts[r + 1];
            if (hi < lo) throw new ArgumentException($"Row {r}: offsets decrease ({lo} then {hi}).", nameof(rowStarts));
            for (int i = lo; i < hi; i++)
            {
                if ((uint)indices[i] >= (uint)columns || (i > lo && indices[i] <= indices[i - 1]))
                    throw new ArgumentException($"Row {r}: column {indices[i]} is out of range 0..{columns - 1} or not ascending.", nameof(indices));
                if (!float.IsFinite(values[i]))
                    throw new ArgumentException($"Row {r}, feature {indices[i]}: value {values[i]} is not finite (NaN or ∞).", nameof(values));
            }
        }
        Columns = columns;
        RowStarts = rowStarts;
        Indices = indices;
        Values = values;
    }

    /// <summary>The width of a row.</summary>
    public int Columns { get; }

    /// <summary>The number of rows.</summary>
    public int Rows => RowStarts.Length - 1;

    /// <summary>The number of stored values.</summary>
    public int NonZeroCount => Indices.Length;

    /// <summary>rows + 1 offsets into <see cref="Indices"/> and <see cref="Values"/>.</summary>
    public int[] RowStarts { get; }

    /// <summary>The column of each stored value.</summary>
    public int[] Indices { get; }

    /// <summary>The stored values (may be rescaled in place, e.g. by a per-column scale).</summary>
    public float[] Values { get; }

    /// <summary>The rows <paramref name="rows"/>, in that order, as new CSR arrays.</summary>
    /// <param name="rows">Row numbers.</param>
    public SparseRows Take(ReadOnlySpan<int> rows)
    {
        var starts = new int[rows.Length + 1];
        for (int i = 0; i < rows.Length; i++) starts[i + 1] = starts[i] + RowStarts[rows[i] + 1] - RowStarts[rows[i]];
        var indices = new int[starts[^1]];
        var values = new float[starts[^1]];
        for (int i = 0; i < rows.Length; i++)
        {
            int lo = RowStarts[rows[i]], n = RowStarts[rows[i] + 1] - lo;
            Indices.AsSpan(lo, n).CopyTo(indices.AsSpan(starts[i]));
            Values.AsSpan(lo, n).CopyTo(values.AsSpan(starts[i]));
        }
        return new SparseRows(Columns, starts, indices, values);
    }

    /// <summary>Writes row <paramref name="row"/> densely into <paramref name="destination"/> (<see cref="Columns"/> values).</summary>
    internal void CopyRowDense(int row, Span<float> destination)
    {
        destination.Slice(0, Columns).Clear();
        for (int i = RowStarts[row]; i < RowStarts[row + 1]; i++) destination[Indices[i]] = Values[i];
    }
}
