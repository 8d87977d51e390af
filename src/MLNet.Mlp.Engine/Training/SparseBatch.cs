using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MLNet.Mlp.Numerics.Parallel;

namespace MLNet.Mlp.Training;

/// <summary>
/// A minibatch of sparse rows (CSR) gathered for the first layer, with the distinct columns it touches, ascending:
/// the rows of the first layer's weight matrix (as columns of W) that its gradient and a lazy update reach, and the
/// same non-zeros by column (CSC) for the weight gradient. Its rows come from sparse data (<see cref="Gather"/>) or
/// from dense rows whose zeros are skipped (<see cref="GatherNonZeros"/>). Buffers are sized once for the largest
/// batch the data can make, so a step allocates nothing.
/// </summary>
internal sealed class SparseBatch
{
    private readonly int[] _stamp;
    // The slot of a touched column in Touched (valid where the stamp is current), then the fill pointers of the CSC layout.
    private readonly int[] _slot, _fill;
    private readonly bool _everyColumn;
    private int _currentStamp;

    /// <param name="columns">The feature count.</param>
    /// <param name="maxRows">The most rows a batch holds.</param>
    /// <param name="maxNonZeros">The most non-zeros a batch holds.</param>
    public SparseBatch(int columns, int maxRows, int maxNonZeros)
        : this(columns, maxRows, maxNonZeros, everyColumn: false)
    {
    }

    private SparseBatch(int columns, int maxRows, int maxNonZeros, bool everyColumn)
    {
        Columns = columns;
        RowStarts = new int[maxRows + 1];
        // Eight more: GatherNonZeros stores whole vectors past the last non-zero.
        Indices = new int[maxNonZeros + 8];
        Values = new float[maxNonZeros + 8];
        ColumnRows = new int[maxNonZeros];
        ColumnValues = new float[maxNonZeros];
        _everyColumn = everyColumn;
        MaxTouched = everyColumn ? columns : Math.Min(columns, maxNonZeros);
        Touched = new int[MaxTouched];
        ColumnStarts = new int[MaxTouched + 1];
        _fill = new int[MaxTouched];
        _stamp = everyColumn ? [] : new int[columns];
        _slot = everyColumn ? [] : new int[columns];
        if (everyColumn)
        {
            for (int c = 0; c < columns; c++) Touched[c] = c;
            TouchedCount = columns;
        }
    }

    /// <summary>
    /// A batch for dense rows of <paramref name="columns"/> features, gathered by <see cref="GatherNonZeros"/>: every
    /// column is a slot, touched or not, so the weight gradient writes (zeroes) every row of the first layer and no
    /// bookkeeping of the touched columns is needed.
    /// </summary>
    /// <param name="columns">The feature count.</param>
    /// <param name="maxRows">The most rows a batch holds.</param>
    /// <param name="inputOffset">Null, or the per-feature offset the first layer removes from the rows (<see cref="TrainingData.InputOffset"/>).</param>
    public static SparseBatch ForDenseRows(int columns, int maxRows, float[]? inputOffset = null)
        => new(columns, maxRows, maxRows * columns, everyColumn: true) { InputOffset = inputOffset };

    /// <summary>Null, or the per-feature values the first layer subtracts from the rows (only for dense rows): it
    /// computes with b − offset·W as the bias and adds −offset ⊗ Σ_r δ_r to its weight gradient.</summary>
    public float[]? InputOffset { get; private init; }

    /// <summary>The first layer's bias with the offset folded in, computed each forward pass (sized on first use).</summary>
    public float[] ShiftedBias { get; set; } = [];

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

    /// <summary>The non-zeros of the current batch.</summary>
    public int NonZeroCount => RowStarts[Rows];

    /// <summary>The column slots of the batch, ascending (the first <see cref="TouchedCount"/>): its distinct columns,
    /// or every column for dense rows.</summary>
    public int[] Touched { get; }

    public int TouchedCount { get; private set; }

    /// <summary>The most distinct columns a batch can touch.</summary>
    public int MaxTouched { get; }

    /// <summary>CSC offsets: the non-zeros of column <see cref="Touched"/>[s] are entries [ColumnStarts[s], ColumnStarts[s + 1])
    /// of <see cref="ColumnRows"/> and <see cref="ColumnValues"/>, rows ascending.</summary>
    public int[] ColumnStarts { get; }

    /// <summary>The batch row of each non-zero, by column.</summary>
    public int[] ColumnRows { get; }

    /// <summary>The value of each non-zero, by column.</summary>
    public float[] ColumnValues { get; }

    /// <summary>Whether <paramref name="column"/> is one of the current batch's slots.</summary>
    public bool IsTouched(int column) => _everyColumn || _stamp[column] == _currentStamp;

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Gather(SparseRows source, ReadOnlySpan<int> order)
    {
        if (_everyColumn) throw new InvalidOperationException("A batch for dense rows gathers with GatherNonZeros.");
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
        var starts = ColumnStarts;
        Array.Clear(starts, 0, touched + 1);
        for (int s = 0; s < touched; s++) _slot[Touched[s]] = s;
        for (int k = 0; k < pos; k++) starts[_slot[Indices[k]] + 1]++;
        LayOutByColumn(_slot);
    }

    /// <summary>Gathers the non-zeros of dense rows <paramref name="order"/>[<paramref name="start"/> ..
    /// <paramref name="start"/> + <paramref name="rows"/>) of <paramref name="features"/> ([rows × <see cref="Columns"/>])
    /// into a batch made by <see cref="ForDenseRows"/>; zeros (of either sign) are left out. Up to
    /// <paramref name="maxThreads"/> cores scan a share of the rows each; the batch is the same for any count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void GatherNonZeros(float[] features, int[] order, int start, int rows, int maxThreads = 1)
    {
        if (!_everyColumn) throw new InvalidOperationException("Only a batch made by ForDenseRows gathers dense rows.");
        int width = Columns;
        int parts = maxThreads > 1 && (long)rows * width >= ParallelMinFloats ? 2 : 1;
        _scan ??= new NonZeroScan(this);
        _scan.Run(features, order, start, rows, parts, maxThreads);
        // Part 1 wrote its non-zeros from its first row's worst-case offset: move them to follow part 0's, and add the counts.
        Array.Clear(ColumnStarts);
        int end = _scan.End[0];
        if (parts == 2)
        {
            int half = rows / 2, from = half * width, count = _scan.End[1] - from;
            Array.Copy(Indices, from, Indices, end, count);
            Array.Copy(Values, from, Values, end, count);
            for (int r = half + 1; r <= rows; r++) RowStarts[r] -= from - end;
            end += count;
        }
        for (int p = 0; p < parts; p++)
        {
            var counts = _scan.Counts[p];
            for (int c = 0; c < width; c++) ColumnStarts[c + 1] += counts[c];
        }
        Rows = rows;
        LayOutByColumn(null);
    }

    // Below this many values a second core costs more in hand-off than the scan it takes.
    private const int ParallelMinFloats = 16384;

    private NonZeroScan? _scan;

    /// <summary>The scan of <see cref="GatherNonZeros"/>, in one or two parts of rows, each writing its non-zeros from
    /// its first row's worst-case offset (rows × columns) and counting them per column on its own.</summary>
    private sealed class NonZeroScan(SparseBatch batch) : IChunkedWork
    {
        public readonly int[][] Counts = [new int[batch.Columns], new int[batch.Columns]];
        public readonly int[] End = new int[2];
        private float[] _features = [];
        private int[] _order = [];
        private int _start, _rows;

        public void Run(float[] features, int[] order, int start, int rows, int parts, int maxThreads)
        {
            (_features, _order, _start, _rows) = (features, order, start, rows);
            try
            {
                ParallelChunks.Run(this, parts, maxThreads);
            }
            finally
            {
                (_features, _order) = ([], []);
            }
        }

        public void RunChunk(int index, int chunks)
        {
            int half = chunks == 1 ? _rows : _rows / 2;
            int lo = index == 0 ? 0 : half, hi = index == 0 ? half : _rows;
            End[index] = Scan(lo, hi, lo * batch.Columns, Counts[index]);
        }

        // Rows [lo, hi) of the batch, their non-zeros written from pos; returns the end.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private unsafe int Scan(int lo, int hi, int pos, int[] columnCounts)
        {
            int width = batch.Columns;
            Array.Clear(columnCounts);
            fixed (float* x = _features, values = batch.Values)
            fixed (int* indices = batch.Indices, counts = columnCounts, order = &_order[_start])
            {
                for (int i = lo; i < hi; i++)
                {
                    float* row = x + (nint)order[i] * width;
                    // The rows lie scattered over an array far larger than the caches: the next rows are fetched while
                    // this one is scanned, or the scan waits on memory one cache line at a time.
                    if (Sse.IsSupported && i + PrefetchDistance < hi)
                    {
                        float* ahead = x + (nint)order[i + PrefetchDistance] * width;
                        for (int offset = 0; offset < width; offset += 16) Sse.Prefetch0(ahead + offset);
                    }
                    pos = PackNonZeros(row, width, values, indices, true, counts, pos);
                    batch.RowStarts[i + 1] = pos;
                }
            }
            return pos;
        }
    }

    private const int PrefetchDistance = 2;

    /// <summary>Writes the non-zeros of one dense row (<paramref name="width"/> values) from <paramref name="pos"/> on,
    /// ascending by column, adds one to <paramref name="counts"/>[j] for each non-zero column j when
    /// <paramref name="countColumns"/>, and returns the end. Stores whole vectors: up to 8 slots past the end may be
    /// overwritten.</summary>
    // Inlined, so that each caller's constant countColumns leaves no test in the loop (the training scan runs it per step).
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    internal static unsafe int PackNonZeros(float* row, int width, float* values, int* indices, bool countColumns, int* counts, int pos)
    {
        int j = 0;
        // Branch-free: the non-zeros of 8 columns are packed to the front of a vector and the whole vector is
        // stored, the next store starting after the non-zeros (a branch per non-zero would mispredict on most).
        if (Avx2.IsSupported)
        {
            var lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
            for (; j <= width - 8; j += 8)
            {
                var v = Vector256.Load(row + j);
                var nonZero = ~Vector256.Equals(v, Vector256<float>.Zero).AsInt32();
                uint mask = nonZero.ExtractMostSignificantBits();
                var pack = Vector256.Load(PackOrder + 8 * mask);
                Avx2.PermuteVar8x32(v, pack).Store(values + pos);
                Avx2.PermuteVar8x32(lanes + Vector256.Create(j), pack).Store(indices + pos);
                if (countColumns) (Vector256.Load(counts + j) - nonZero).Store(counts + j);
                pos += BitOperations.PopCount(mask);
            }
        }
        for (; j < width; j++)
        {
            float v = row[j];
            int nonZero = v != 0f ? 1 : 0;
            values[pos] = v;
            indices[pos] = j;
            if (countColumns) counts[j] += nonZero;
            pos += nonZero;
        }
        return pos;
    }

    // For each 8-bit mask, the lanes whose bit is set, in order, then the rest: the permutation that packs a vector's flagged lanes.
    private static readonly unsafe int* PackOrder = CreatePackOrder();

    private static unsafe int* CreatePackOrder()
    {
        var table = (int*)NativeMemory.AlignedAlloc(256 * 8 * sizeof(int), 32);
        for (int mask = 0; mask < 256; mask++)
        {
            int k = 0;
            for (int lane = 0; lane < 8; lane++) if ((mask & (1 << lane)) != 0) table[8 * mask + k++] = lane;
            for (int lane = 0; lane < 8; lane++) if ((mask & (1 << lane)) == 0) table[8 * mask + k++] = lane;
        }
        return table;
    }

    // ColumnStarts holds each slot's count one place on: sums them into offsets, then copies the non-zeros there row
    // by row, so each column's entries are ascending by row. slotOf maps a column to its slot (null: the column itself).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void LayOutByColumn(int[]? slotOf)
    {
        var starts = ColumnStarts;
        int slots = TouchedCount;
        for (int s = 0; s < slots; s++) starts[s + 1] += starts[s];
        var fill = _fill;
        Array.Copy(starts, fill, slots);
        var indices = Indices;
        var values = Values;
        var rowsOut = ColumnRows;
        var valuesOut = ColumnValues;
        for (int r = 0; r < Rows; r++)
        {
            for (int k = RowStarts[r], end = RowStarts[r + 1]; k < end; k++)
            {
                int at = fill[slotOf != null ? slotOf[indices[k]] : indices[k]]++;
                rowsOut[at] = r;
                valuesOut[at] = values[k];
            }
        }
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
