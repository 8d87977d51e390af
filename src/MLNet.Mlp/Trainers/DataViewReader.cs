using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Numerics;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Trainers;

/// <summary>
/// Reads an <see cref="IDataView"/> once into contiguous row-major arrays (dense or sparse feature vectors),
/// skipping rows whose label is missing and rejecting non-finite values with the row and slot that hold them.
/// </summary>
internal static class DataViewReader
{
    public sealed record Result(TrainingData Data, long SkippedMissingLabel, long RowsRead);

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

    public static Result Read(IDataView data, MlpTask task, string featureColumn, string labelColumn, string? weightColumn,
        float[]? classWeights, CancellationToken cancellation)
    {
        var schema = data.Schema;
        int featureCount = FeatureCount(schema, featureColumn);
        int targetWidth = LabelEncoding.TargetWidth(task, schema, labelColumn, out int outputCount);
        CheckWeightColumn(schema, weightColumn);
        int classCount = task == MlpTask.BinaryClassification ? 2 : outputCount;
        if (classWeights != null && classWeights.Length != classCount)
            throw new ArgumentException($"ClassWeights has {classWeights.Length} values but the label '{labelColumn}' has {classCount} classes.", nameof(classWeights));

        var featureCol = schema[featureColumn];
        var labelCol = schema[labelColumn];
        var weightCol = weightColumn != null ? schema[weightColumn] : (DataViewSchema.Column?)null;
        var active = new List<DataViewSchema.Column> { featureCol, labelCol };
        if (weightCol is { } wc) active.Add(wc);

        long? known = data.GetRowCount();
        var features = new GrowableBuffer(known is > 0 and < int.MaxValue ? known.Value * featureCount : 1024 * featureCount);
        var targets = new GrowableBuffer(known is > 0 and < int.MaxValue ? known.Value * targetWidth : 1024);
        var weights = weightCol != null || classWeights != null ? new GrowableBuffer(known ?? 1024) : null;

        using var cursor = data.GetRowCursor(active);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(featureCol);
        ValueGetter<float>? getWeight = weightCol is { } w ? cursor.GetGetter<float>(w) : null;
        ValueGetter<uint>? getKey = task == MlpTask.MulticlassClassification ? cursor.GetGetter<uint>(labelCol) : null;
        ValueGetter<bool>? getBool = task == MlpTask.BinaryClassification ? cursor.GetGetter<bool>(labelCol) : null;
        ValueGetter<float>? getScalar = task == MlpTask.Regression && targetWidth == 1 && labelCol.Type is not VectorDataViewType ? cursor.GetGetter<float>(labelCol) : null;
        ValueGetter<VBuffer<float>>? getVector = task == MlpTask.Regression && getScalar == null ? cursor.GetGetter<VBuffer<float>>(labelCol) : null;

        VBuffer<float> featureBuffer = default, labelBuffer = default;
        long row = -1, skipped = 0;
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
            if (getKey != null)
            {
                uint key = 0;
                getKey(ref key);
                if (key == 0) { skipped++; continue; }
                if (classWeights != null) exampleWeight *= classWeights[key - 1];
                targets.Add(key - 1);
            }
            else if (getBool != null)
            {
                bool b = false;
                getBool(ref b);
                if (classWeights != null) exampleWeight *= classWeights[b ? 1 : 0];
                targets.Add(b ? 1f : 0f);
            }
            else if (getScalar != null)
            {
                float y = 0;
                getScalar(ref y);
                if (float.IsNaN(y)) { skipped++; continue; }
                if (!float.IsFinite(y)) throw new InvalidOperationException($"Row {row}: label column '{labelColumn}' holds {y}; regression labels must be finite.");
                targets.Add(y);
            }
            else
            {
                getVector!(ref labelBuffer);
                if (labelBuffer.Length != targetWidth)
                    throw new InvalidOperationException($"Row {row}: label column '{labelColumn}' has {labelBuffer.Length} values; expected {targetWidth}.");
                var dense = labelBuffer.DenseValues().ToArray();
                if (dense.Any(float.IsNaN)) { skipped++; continue; }
                int bad = FiniteCheck.IndexOfNonFinite(dense);
                if (bad >= 0) throw new InvalidOperationException($"Row {row}: label column '{labelColumn}' slot {bad} holds {dense[bad]}; regression labels must be finite.");
                foreach (var v in dense) targets.Add(v);
            }

            getFeatures(ref featureBuffer);
            if (featureBuffer.Length != featureCount)
                throw new InvalidOperationException($"Row {row}: feature column '{featureColumn}' has {featureBuffer.Length} values; expected {featureCount}.");
            var slot = features.AppendZeros(featureCount);
            var values = featureBuffer.GetValues();
            if (featureBuffer.IsDense) values.CopyTo(slot);
            else
            {
                var indices = featureBuffer.GetIndices();
                for (int i = 0; i < indices.Length; i++) slot[indices[i]] = values[i];
            }
            int badSlot = FiniteCheck.IndexOfNonFinite(slot);
            if (badSlot >= 0)
                throw new InvalidOperationException($"Row {row}: feature column '{featureColumn}' slot {badSlot} holds {slot[badSlot]}; features must be finite. "
                    + "Replace or drop missing values first (e.g. ml.Transforms.ReplaceMissingValues).");
            weights?.Add(exampleWeight);
        }

        int rows = features.Count / featureCount;
        if (rows == 0)
            throw new InvalidOperationException(row < 0
                ? "The training data is empty: it has no rows."
                : $"The training data has no usable rows: all {row + 1} rows have a missing label in column '{labelColumn}'.");
        var result = new TrainingData(features.ToArray(), featureCount, targets.ToArray(), targetWidth, weights?.ToArray());
        return new Result(result, skipped, row + 1);
    }

    /// <summary>An append-only float list that hands out spans to fill in place.</summary>
    private sealed class GrowableBuffer(long initialCapacity)
    {
        private float[] _items = new float[Math.Clamp(initialCapacity, 16, int.MaxValue / 2)];

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
            if (size > Array.MaxLength) throw new InvalidOperationException($"The data does not fit in one array ({size} floats).");
            Array.Resize(ref _items, (int)size);
        }
    }
}
