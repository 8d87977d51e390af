using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Datasets;

/// <summary>
/// A read-only <see cref="IDataView"/> over a contiguous row-major feature array and a label array:
/// column <c>Features</c> (a fixed-size vector of <see cref="float"/>) and column <c>Label</c>
/// (<see cref="float"/>).
/// </summary>
/// <remarks>
/// Why not <c>LoadFromEnumerable</c>: that would need one array per row (60,000 allocations for
/// MNIST) and reports no row count. Here a getter copies one row straight into the caller's buffer.
/// </remarks>
internal sealed class MnistDataView : IDataView
{
    private readonly float[] _features;
    private readonly float[] _labels;
    private readonly int _featureCount;

    public MnistDataView(float[] features, float[] labels, int featureCount)
    {
        if (featureCount <= 0 || (long)labels.Length * featureCount != features.Length)
            throw new ArgumentException("The feature array must hold featureCount values per label.", nameof(features));
        _features = features;
        _labels = labels;
        _featureCount = featureCount;

        var builder = new DataViewSchema.Builder();
        builder.AddColumn(MnistLoader.FeaturesColumnName, new VectorDataViewType(NumberDataViewType.Single, featureCount));
        builder.AddColumn(MnistLoader.LabelColumnName, NumberDataViewType.Single);
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => true;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _labels.Length;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        bool features = false, label = false;
        foreach (DataViewSchema.Column c in columnsNeeded)
        {
            CheckColumn(c);
            features |= c.Index == 0;
            label |= c.Index == 1;
        }

        int[]? order = rand is null ? null : Permutation(_labels.Length, rand);
        return new Cursor(this, order, features, label);
    }

    // The data is in memory and a cursor costs nothing to move, so one cursor serves any n.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private void CheckColumn(DataViewSchema.Column column)
    {
        if (column.Index < 0 || column.Index >= Schema.Count || Schema[column.Index].Name != column.Name)
            throw new ArgumentOutOfRangeException(nameof(column), column.Name, "The column does not belong to this data view's schema.");
    }

    private static int[] Permutation(int count, Random rand)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++)
            order[i] = i;
        rand.Shuffle(order);
        return order;
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly MnistDataView _view;
        private readonly int[]? _order;
        private readonly bool _featuresActive;
        private readonly bool _labelActive;
        private long _position = -1;
        private int _row = -1;
        private bool _done;

        public Cursor(MnistDataView view, int[]? order, bool featuresActive, bool labelActive)
        {
            _view = view;
            _order = order;
            _featuresActive = featuresActive;
            _labelActive = labelActive;
        }

        public override long Position => _position;

        public override long Batch => 0;

        public override DataViewSchema Schema => _view.Schema;

        public override bool MoveNext()
        {
            if (_done)
                return false;
            long next = _position + 1;
            if (next >= _view._labels.Length)
            {
                // Per the IDataView contract a finished cursor reports position -1.
                _done = true;
                _position = -1;
                _row = -1;
                return false;
            }

            _position = next;
            _row = _order is null ? (int)next : _order[next];
            return true;
        }

        public override bool IsColumnActive(DataViewSchema.Column column)
        {
            _view.CheckColumn(column);
            return column.Index == 0 ? _featuresActive : _labelActive;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");

            Delegate getter;
            if (column.Index == 0)
            {
                if (typeof(TValue) != typeof(VBuffer<float>))
                    throw new InvalidOperationException($"Column '{column.Name}' is of type VBuffer<Single>, not {typeof(TValue).Name}.");
                getter = (ValueGetter<VBuffer<float>>)GetFeatures;
            }
            else
            {
                if (typeof(TValue) != typeof(float))
                    throw new InvalidOperationException($"Column '{column.Name}' is of type Single, not {typeof(TValue).Name}.");
                getter = (ValueGetter<float>)GetLabel;
            }

            return (ValueGetter<TValue>)getter;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) =>
        {
            // The id is the row's place in the file, so it is the same whatever the shuffle.
            value = new DataViewRowId((ulong)CurrentRow(), 0);
        };

        private void GetFeatures(ref VBuffer<float> value)
        {
            int n = _view._featureCount;
            int row = CurrentRow();
            VBufferEditor<float> editor = VBufferEditor.Create(ref value, n);
            _view._features.AsSpan(row * n, n).CopyTo(editor.Values);
            value = editor.Commit();
        }

        private void GetLabel(ref float value) => value = _view._labels[CurrentRow()];

        private int CurrentRow() =>
            _row >= 0 ? _row : throw new InvalidOperationException("The cursor has no current row: call MoveNext first, and not after it has returned false.");
    }
}
