namespace MLNet.Mlp.Training;

/// <summary>
/// A minibatch of sparse rows (CSR) gathered for the first layer, with the distinct columns it touches, ascending:
/// the rows of the first layer's weight matrix (as columns of W) that its gradient and a lazy update reach. Buffers
/// are sized once for the largest batch the data can make, so a step allocates nothing.
/// </summary>
internal sealed class SparseBatch
{
    private readonly int[] _stamp;
    private int _currentStamp;

    /// <param name="columns">The feature count.</param>
    /// <param name="maxRows">The most rows a batch holds.</param>
    /// <param name="maxNonZeros">The most non-zeros a batch holds.</param>
    public SparseBatch(int columns, int maxRows, int maxNonZeros)
    {
        Columns = columns;
        RowStarts = new int[maxRows + 1];
        Indices = new int[maxNonZeros];
        Values = new float[maxNonZeros];
        MaxTouched = Math.Min(columns, maxNonZeros);
        Touched = new int[MaxTouched];
        _stamp = new int[columns];
    }

    /// <summary>The feature count.</summary>
    public int Columns { get; }

    /// <summary>The first layer's passes over this batch, shared between the cores.</summary>
    public SparseFirstLayerPass Pass { get; } = new();

    /// <summary>Rows of the current batch.</summary>
    public int Rows { get; private set; }

    /// <summary>rows + 1 offsets into <see cref="Indices"/> and <see cref="Values"/>.</summary>
    public int[] RowStarts { get; }

    public int[] Indices { get; }

    public float[] Values { get; }

    /// <summary>The distinct columns of the batch, ascending (the first <see cref="TouchedCount"/>).</summary>
    public int[] Touched { get; }

    public int TouchedCount { get; private set; }

    /// <summary>The most distinct columns a batch can touch.</summary>
    public int MaxTouched { get; }

    /// <summary>
    /// The columns whose entries of the first layer's weight gradient may be non-zero (those of the last backward
    /// pass), so the next pass clears only them; all columns when <see cref="GradientCleared"/> is false.
    /// </summary>
    public int[] GradientColumns { get; private set; } = [];

    public int GradientColumnCount { get; private set; }

    /// <summary>False when something other than the sparse backward pass may have written the whole weight gradient
    /// (a gradient transform over every parameter): the next pass then clears it all.</summary>
    public bool GradientCleared { get; set; }

    /// <summary>The most non-zeros a batch of <paramref name="batchSize"/> rows of <paramref name="data"/> can hold:
    /// the sum of the longest rows.</summary>
    public static int MaxNonZeros(SparseRows data, int batchSize)
    {
        var lengths = new int[data.Rows];
        for (int r = 0; r < lengths.Length; r++) lengths[r] = data.RowStarts[r + 1] - data.RowStarts[r];
        Array.Sort(lengths);
        long sum = 0;
        for (int i = lengths.Length - 1; i >= 0 && i >= lengths.Length - batchSize; i--) sum += lengths[i];
        return (int)Math.Max(1, Math.Min(sum, Array.MaxLength));
    }

    /// <summary>Gathers rows <paramref name="order"/>[start .. start + rows) of <paramref name="source"/>.</summary>
    public void Gather(SparseRows source, ReadOnlySpan<int> order)
    {
        int pos = 0;
        int stamp = ++_currentStamp, touched = 0;
        for (int i = 0; i < order.Length; i++)
        {
            int lo = source.RowStarts[order[i]], n = source.RowStarts[order[i] + 1] - lo;
            source.Indices.AsSpan(lo, n).CopyTo(Indices.AsSpan(pos));
            source.Values.AsSpan(lo, n).CopyTo(Values.AsSpan(pos));
            for (int k = pos; k < pos + n; k++)
            {
                int c = Indices[k];
                if (_stamp[c] == stamp) continue;
                _stamp[c] = stamp;
                Touched[touched++] = c;
            }
            pos += n;
            RowStarts[i + 1] = pos;
        }
        Rows = order.Length;
        // Ascending, so that the gradient scatter and the lazy update walk each weight row forwards.
        Array.Sort(Touched, 0, touched);
        TouchedCount = touched;
    }

    /// <summary>Records that the weight gradient is now non-zero only in the current batch's columns.</summary>
    public void GradientWritten()
    {
        if (GradientColumns.Length != Touched.Length) GradientColumns = new int[Touched.Length];
        Touched.AsSpan(0, TouchedCount).CopyTo(GradientColumns);
        GradientColumnCount = TouchedCount;
        GradientCleared = true;
    }
}
