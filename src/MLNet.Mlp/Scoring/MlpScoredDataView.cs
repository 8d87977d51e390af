using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Scoring;

/// <summary>The lazily scored data view returned by <c>Transform</c>: input rows plus the prediction columns.</summary>
internal sealed class MlpScoredDataView : IDataView
{
    private readonly IDataView _input;
    private readonly MlpBoundMapper _mapper;

    public MlpScoredDataView(MlpBoundMapper mapper, IDataView input)
    {
        _mapper = mapper;
        _input = input;
    }

    public bool CanShuffle => _input.CanShuffle;

    public DataViewSchema Schema => _mapper.OutputSchema;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToArray();
        var inputCursor = _input.GetRowCursor(_mapper.GetDependencies(needed), rand);
        // Without shuffling, a second cursor over the input sees the same rows in the same order: it reads the
        // feature vectors ahead so that rows are scored in batches.
        var readAhead = rand == null && needed.Any(_mapper.IsPrediction) ? _input.GetRowCursor([_mapper.FeatureColumn]) : null;
        return new Cursor(_mapper, inputCursor, readAhead, _input.GetRowCount(), needed.Select(c => c.Index).ToHashSet());
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly MlpBoundMapper _mapper;
        private readonly DataViewRowCursor _input;
        private readonly HashSet<int> _active;
        private readonly MlpRowScoring _scoring;

        public Cursor(MlpBoundMapper mapper, DataViewRowCursor input, DataViewRowCursor? readAhead, long? rowCount, HashSet<int> active)
        {
            _mapper = mapper;
            _input = input;
            _active = active;
            _scoring = readAhead != null ? new MlpRowScoring(mapper, input, readAhead, rowCount) : new MlpRowScoring(mapper, input);
        }

        public override DataViewSchema Schema => _mapper.OutputSchema;

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override bool MoveNext() => _input.MoveNext();

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column)) throw new InvalidOperationException($"Column '{column.Name}' was not requested from this cursor.");
            return _scoring.GetGetter<TValue>(column);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _scoring.Dispose();
                _input.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
