using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Numerics.Elementwise;
using MLNet.Mlp.Tasks;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Fitting;

/// <summary>
/// Reads an <see cref="IDataView"/> once into contiguous row-major arrays (dense or sparse feature vectors),
/// skipping rows whose label is missing and rejecting non-finite values with the row and slot that hold them
/// (or skipping those rows when asked). Before anything is read, and again whenever a buffer must grow, the bytes
/// needed — the fit's whole <see cref="MemoryEstimate"/> for the rows so far when the trainer gives one — are compared
/// with the memory available, so that data too large fails with a message instead of dying of out-of-memory halfway through.
/// </summary>
internal static class DataViewReader
{
    /// <summary>What was read.</summary>
    /// <param name="Data">The examples.</param>
    /// <param name="SkippedMissingLabel">Rows left out because their label was missing.</param>
    /// <param name="RowsRead">Rows the cursor delivered.</param>
    /// <param name="SkippedNonFinite">Rows left out because a feature was NaN or infinite (only when asked to skip them).</param>
    /// <param name="DistinctClasses">Classification: the distinct classes present (0-based key order; false/true for binary). Null for regression.</param>
    /// <param name="Label">What the label column gives the network.</param>
    public sealed record Result(TrainingData Data, long SkippedMissingLabel, long RowsRead, long SkippedNonFinite, int[]? DistinctClasses, LabelShape Label);

    /// <summary>How the reader treats a feature vector holding NaN or ±∞.</summary>
    public enum NonFiniteFeatures
    {
        /// <summary>Throw, naming the row and slot.</summary>
        Throw,

        /// <summary>Leave the row out and count it.</summary>
        Skip,
    }

    /// <summary>Settings of one read.</summary>
    public sealed class Settings
    {
        public NonFiniteFeatures NonFinite { get; init; }

        /// <summary>Overrides the memory available for the data (tests); null uses the GC's figure. Not used with <see cref="Memory"/>.</summary>
        public long? AvailableBytes { get; init; }

        /// <summary>The fit's whole memory estimate as the rows grow; null checks the data alone against <see cref="AvailableBytes"/>.</summary>
        public IRowBudget? Memory { get; init; }

        /// <summary>"training" or "validation", for messages.</summary>
        public string Purpose { get; init; } = "training";
    }

    public static int FeatureCount(DataViewSchema schema, string featureColumn)
    {
        var column = schema.GetColumnOrNull(featureColumn)
            ?? throw new ArgumentOutOfRangeException(nameof(featureColumn), $"Feature column '{featureColumn}' was not found in the data. Available columns: {string.Join(", ", schema.Select(c => c.Name))}.");
        if (column.Type is not VectorDataViewType { ItemType: var item } vector || item != NumberDataViewType.Single)
            throw new ArgumentException($"Feature column '{featureColumn}' has type {column.Type}, but the MLP needs a vector of Single (use ml.Transforms.Concatenate to build one).", nameof(featureColumn));
        if (!vector.IsKnownSize)
            throw new ArgumentException($"Feature column '{featureColumn}' is a variable-length vector; the MLP needs a known size.", nameof(featureColumn));
        return vector.Size;
    }

    public static void CheckWeightColumn(DataViewSchema schema, string? weightColumn)
    {
        if (weightColumn == null) return;
        var column = schema.GetColumnOrNull(weightColumn)
            ?? throw new ArgumentOutOfRangeException(nameof(weightColumn), $"Example-weight column '{weightColumn}' was not found in the data.");
        if (column.Type != NumberDataViewType.Single)
            throw new ArgumentException($"Example-weight column '{weightColumn}' has type {column.Type}, but it must be Single.", nameof(weightColumn));
    }

    /// <summary>The memory a read may fill: how many rows it holds, and the check each time the rows read grow.</summary>
    internal interface IRowBudget
    {
        /// <summary>The most rows the memory holds (caps a buffer's growth).</summary>
        long MaxRows { get; }

        /// <summary>Throws <see cref="InsufficientMemoryException"/> when <paramref name="rows"/> rows cannot fit.</summary>
        /// <param name="rows">The rows.</param>
        /// <param name="source">Where the count comes from, for the message.</param>
        void Require(long rows, string source);
    }

    /// <summary>Reads the columns <paramref name="options"/> name from <paramref name="data"/>, for <paramref name="purpose"/> ("training" or "validation"),
    /// checking <paramref name="memory"/> as the rows grow.</summary>
    public static Result Read(IDataView data, MlpTaskHead head, MlpOptionsBase options, string purpose, IRowBudget? memory = null)
        // Not the options' token: a cancelled Fit still returns a model (the initialized or warm-start one), whose
        // shapes and label statistics come from the data; the engine sees the token before its first step.
        => Read(data, head, options.FeatureColumnName, options.LabelColumnName, options.ExampleWeightColumnName, options.ExampleWeightsByClass, CancellationToken.None,
            new Settings
            {
                NonFinite = options.SkipRowsWithNonFiniteFeatures ? NonFiniteFeatures.Skip : NonFiniteFeatures.Throw,
                AvailableBytes = options.AvailableMemoryBytes,
                Memory = memory,
                Purpose = purpose,
            });

    /// <summary>Reads <paramref name="data"/>; <paramref name="head"/> checks and reads the label.</summary>
    public static Result Read(IDataView data, MlpTaskHead head, string featureColumn, string labelColumn, string? weightColumn,
        float[]? classWeights, CancellationToken cancellation, Settings? settings = null)
    {
        settings ??= new Settings();
        var schema = data.Schema;
        int featureCount = FeatureCount(schema, featureColumn);
        var label = head.ReadLabelShape(schema, labelColumn);
        int targetWidth = label.TargetWidth;
        CheckWeightColumn(schema, weightColumn);
        if (classWeights != null && classWeights.Length != label.ClassCount)
            throw new ArgumentException($"ClassWeights has {classWeights.Length} values but the label '{labelColumn}' has {label.ClassCount} classes.", nameof(classWeights));

        var featureCol = schema[featureColumn];
        var labelCol = schema[labelColumn];
        var weightCol = weightColumn != null ? schema[weightColumn] : (DataViewSchema.Column?)null;
        var active = new List<DataViewSchema.Column> { featureCol, labelCol };
        if (weightCol is { } wc) active.Add(wc);

        bool hasWeights = weightCol != null || classWeights != null;
        bool sparse = FirstRowNonZeros(data, featureColumn) != null;
        // Sparse rows are checked against the fit's estimate (which counts their non-zeros) as they are read; the
        // dense budget would count every feature of every row.
        var memory = settings.Memory ?? (sparse ? null : new MemoryBudget(featureCount, targetWidth, hasWeights, settings));
        long? known = data.GetRowCount();
        // Known row count: fail before the first row is read. Unknown: the buffers check as they grow.
        if (known is long knownRows) memory?.Require(knownRows, "the data view reports");
        var features = new GrowableBuffer(sparse ? 16 : known is > 0 ? known.Value * featureCount : 1024L * featureCount, memory, featureCount);
        var csr = sparse ? new SparseRowBuilder(known is > 0 ? known.Value : 1024) : null;
        var targets = new GrowableBuffer(known is > 0 ? known.Value * targetWidth : 1024L * targetWidth, memory: null, targetWidth);
        var weights = hasWeights ? new GrowableBuffer(known is > 0 ? known.Value : 1024, memory: null, 1) : null;
        var classCounts = label.ClassCount > 0 ? new long[label.ClassCount] : null;

        using var cursor = data.GetRowCursor(active);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(featureCol);
        ValueGetter<float>? getWeight = weightCol is { } w ? cursor.GetGetter<float>(w) : null;
        var labels = head.CreateLabelReader(cursor, labelCol, label, classWeights);

        VBuffer<float> featureBuffer = default;
        var rowFeatures = new float[featureCount];
        var rowTargets = new float[targetWidth];
        long row = -1, skipped = 0, skippedNonFinite = 0;
        while (cursor.MoveNext())
        {
            row++;
            if ((row & 4095) == 0) cancellation.ThrowIfCancellationRequested();
            float exampleWeight = 1f;
            if (getWeight != null)
            {
                getWeight(ref exampleWeight);
                if (!(exampleWeight >= 0f) || !float.IsFinite(exampleWeight))
                    throw new InvalidOperationException($"Row {row}: example-weight column '{weightColumn}' holds {exampleWeight}; weights must be finite and non-negative.");
            }

            // Label first: rows with a missing label are skipped before their features are copied.
            if (!labels.Read(row, rowTargets, ref exampleWeight)) { skipped++; continue; }

            getFeatures(ref featureBuffer);
            if (featureBuffer.Length != featureCount)
                throw new InvalidOperationException($"Row {row}: feature column '{featureColumn}' has {featureBuffer.Length} values; expected {featureCount}.");
            if (csr != null)
            {
                int bad = SparseRowBuilder.IndexOfNonFinite(featureBuffer);
                if (bad >= 0)
                {
                    if (settings.NonFinite == NonFiniteFeatures.Skip) { skippedNonFinite++; continue; }
                    throw NonFinite(row, featureColumn, bad, featureBuffer.GetItemOrDefault(bad));
                }
                csr.Add(featureBuffer);
                if ((csr.Rows & 4095) == 0) memory?.Require(csr.Rows, "read so far");
                foreach (var t in rowTargets) targets.Add(t);
                weights?.Add(exampleWeight);
                if (classCounts != null) classCounts[(int)rowTargets[0]]++;
                continue;
            }
            // Into a row buffer first: a row with a non-finite feature may be skipped, and must then leave no trace.
            var slot = rowFeatures.AsSpan();
            var values = featureBuffer.GetValues();
            if (featureBuffer.IsDense) values.CopyTo(slot);
            else
            {
                slot.Clear();
                var indices = featureBuffer.GetIndices();
                for (int i = 0; i < indices.Length; i++) slot[indices[i]] = values[i];
            }
            int badSlot = FiniteCheck.IndexOfNonFinite(slot);
            if (badSlot >= 0)
            {
                if (settings.NonFinite == NonFiniteFeatures.Skip) { skippedNonFinite++; continue; }
                throw NonFinite(row, featureColumn, badSlot, slot[badSlot]);
            }
            slot.CopyTo(features.AppendZeros(featureCount));
            foreach (var t in rowTargets) targets.Add(t);
            weights?.Add(exampleWeight);
            if (classCounts != null) classCounts[(int)rowTargets[0]]++;
        }

        int rows = csr?.Rows ?? features.Count / featureCount;
        if (rows == 0)
            throw new InvalidOperationException(row < 0
                ? $"The {settings.Purpose} data is empty: it has no rows."
                : skippedNonFinite == 0
                    ? $"The {settings.Purpose} data has no usable rows: all {row + 1} rows have a missing label in column '{labelColumn}'."
                    : $"The {settings.Purpose} data has no usable rows: of {row + 1} rows, {skipped} have a missing label in column '{labelColumn}' and {skippedNonFinite} a NaN or infinite value in feature column '{featureColumn}'.");
        var result = csr != null
            ? new TrainingData(csr.ToRows(featureCount), targets.ToArray(), targetWidth, weights?.ToArray())
            : new TrainingData(features.ToArray(), featureCount, targets.ToArray(), targetWidth, weights?.ToArray());
        int[]? distinct = classCounts?.Select((n, k) => (n, k)).Where(p => p.n > 0).Select(p => p.k).ToArray();
        return new Result(result, skipped, row + 1, skippedNonFinite, distinct, label);
    }

    private static InvalidOperationException NonFinite(long row, string featureColumn, int slot, float value)
        => new($"Row {row}: feature column '{featureColumn}' slot {slot} holds {value}; features must be finite. "
            + "Replace or drop missing values first (e.g. ml.Transforms.ReplaceMissingValues), or set SkipRowsWithNonFiniteFeatures to leave such rows out.");

    /// <summary>
    /// Below this many features rows are read dense whatever their form: a dense product over so few columns costs
    /// less than the sparse path's scatter, and small one-hot encodings keep the results they always had.
    /// </summary>
    internal const int SparseMinFeatures = 4096;

    /// <summary>
    /// The non-zeros of the first row's feature vector when the column is read sparse (it delivers a sparse vector
    /// and has at least <see cref="SparseMinFeatures"/> features, as text featurization does), else null: rows are
    /// then read dense, as always.
    /// </summary>
    public static int? FirstRowNonZeros(IDataView data, string featureColumn)
    {
        var column = data.Schema[featureColumn];
        if (column.Type is not VectorDataViewType { Size: >= SparseMinFeatures }) return null;
        using var cursor = data.GetRowCursor([column]);
        if (!cursor.MoveNext()) return null;
        VBuffer<float> buffer = default;
        cursor.GetGetter<VBuffer<float>>(column)(ref buffer);
        return buffer.IsDense ? null : buffer.GetValues().Length;
    }

    /// <summary>
    /// The bytes the in-memory copy needs, (features + targets + weight) × 4 per row, against what the GC says is
    /// available; also the single-array limit of .NET. Checked up front for a known row count, and at every growth of the
    /// feature buffer otherwise.
    /// </summary>
    internal sealed class MemoryBudget(int featureCount, int targetWidth, bool hasWeights, Settings settings) : IRowBudget
    {
        private readonly long _bytesPerRow = 4L * (featureCount + targetWidth + (hasWeights ? 1 : 0));

        private long Available => settings.AvailableBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

        /// <summary>The most rows the budget holds.</summary>
        public long MaxRows => Math.Max(1, Available / _bytesPerRow);

        public void Require(long rows, string source)
        {
            long available = Available;
            // Saturating multiply: a view may report an absurd row count.
            long needed = rows > long.MaxValue / _bytesPerRow ? long.MaxValue : rows * _bytesPerRow;
            if (needed > available)
                throw new InsufficientMemoryException(
                    $"The {settings.Purpose} data does not fit in memory: {rows:N0} rows ({source}) × {featureCount} features, {targetWidth} target(s)"
                    + (hasWeights ? " and a weight" : "") + $" need {needed:N0} bytes, but only {available:N0} bytes are available. "
                    + "Train on a sample, reduce the feature count, or run with more memory.");
            if (rows > 0 && rows * (long)featureCount > Array.MaxLength)
                throw new InsufficientMemoryException(
                    $"The {settings.Purpose} data does not fit in one array: {rows:N0} rows ({source}) × {featureCount} features exceed .NET's limit of {Array.MaxLength:N0} elements.");
        }
    }

    /// <summary>An append-only float list that hands out spans to fill in place; the feature buffer checks the memory budget before it grows.</summary>
    private sealed class GrowableBuffer(long initialCapacity, IRowBudget? memory, int width)
    {
        private float[] _items = new float[Math.Clamp(initialCapacity, 16, Array.MaxLength)];

        public int Count { get; private set; }

        public void Add(float value)
        {
            Ensure(1);
            _items[Count++] = value;
        }

        public Span<float> AppendZeros(int n)
        {
            Ensure(n);
            var span = _items.AsSpan(Count, n);
            span.Clear();
            Count += n;
            return span;
        }

        public float[] ToArray() => Count == _items.Length ? _items : _items.AsSpan(0, Count).ToArray();

        private void Ensure(int n)
        {
            if (Count + n <= _items.Length) return;
            long size = Math.Max((long)_items.Length * 2, Count + n);
            if (memory != null)
            {
                // The rows read so far must fit; the doubled buffer is capped at what the budget allows, so that growth
                // itself never allocates past it.
                memory.Require(((long)Count + n) / width, "read so far");
                size = Math.Max(Math.Min(size, memory.MaxRows * width), Count + n);
            }
            size = Math.Min(size, Array.MaxLength);
            if (size < Count + n) throw new InsufficientMemoryException($"The data does not fit in one array ({(long)Count + n:N0} values exceed .NET's limit of {Array.MaxLength:N0}).");
            Array.Resize(ref _items, (int)size);
        }
    }

    /// <summary>Sparse rows appended one by one, in CSR arrays that double as they grow.</summary>
    private sealed class SparseRowBuilder(long expectedRows)
    {
        private int[] _starts = new int[Math.Clamp(expectedRows + 1, 16, Array.MaxLength)];
        private int[] _indices = new int[1024];
        private float[] _values = new float[1024];
        private int _count;

        public int Rows { get; private set; }

        /// <summary>The slot of the first stored value that is not finite, or −1.</summary>
        public static int IndexOfNonFinite(in VBuffer<float> row)
        {
            var values = row.GetValues();
            int i = FiniteCheck.IndexOfNonFinite(values);
            return i < 0 ? -1 : row.IsDense ? i : row.GetIndices()[i];
        }

        public void Add(in VBuffer<float> row)
        {
            var values = row.GetValues();
            if (row.IsDense)
            {
                // A dense row in a sparse column: its non-zeros only.
                for (int j = 0; j < values.Length; j++)
                    if (values[j] != 0f) Append(j, values[j]);
            }
            else
            {
                var indices = row.GetIndices();
                Ensure(values.Length);
                indices.CopyTo(_indices.AsSpan(_count));
                values.CopyTo(_values.AsSpan(_count));
                _count += values.Length;
            }
            if (Rows + 2 > _starts.Length) Array.Resize(ref _starts, (int)Math.Min((long)_starts.Length * 2, Array.MaxLength));
            _starts[++Rows] = _count;
        }

        public SparseRows ToRows(int columns)
            => new(columns, _starts.AsSpan(0, Rows + 1).ToArray(), _indices.AsSpan(0, _count).ToArray(), _values.AsSpan(0, _count).ToArray());

        private void Append(int index, float value)
        {
            Ensure(1);
            _indices[_count] = index;
            _values[_count++] = value;
        }

        private void Ensure(int n)
        {
            if ((long)_count + n <= _indices.Length) return;
            long size = Math.Min(Math.Max((long)_indices.Length * 2, (long)_count + n), Array.MaxLength);
            if (size < (long)_count + n)
                throw new InsufficientMemoryException($"The data's {(long)_count + n:N0} non-zero features exceed .NET's limit of {Array.MaxLength:N0} values in one array.");
            Array.Resize(ref _indices, (int)size);
            Array.Resize(ref _values, (int)size);
        }
    }
}
