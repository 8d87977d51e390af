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
        return new MlpScoringCursor(_mapper, inputCursor, _input.GetRowCount(), needed.Select(c => c.Index).ToHashSet());
    }

    /// <summary>
    /// One cursor; for <paramref name="n"/> &gt; 1, when the rows are scored in read-ahead batches, that cursor
    /// (counting its batches as its <c>Batch</c>) and <paramref name="n"/> − 1 empty ones.
    /// </summary>
    /// <remarks>
    /// A row-to-row transform after ours (MapKeyToValue of PredictedLabel, for one) asks for a cursor set and
    /// consolidates it; handed a single cursor, ML.NET splits it with a thread that copies every row into batches
    /// for the set's threads, which copy them again for the consumer. The batches are already scored on every core
    /// (<see cref="ReadAheadBatch"/>), so the split only adds that thread and copy: one cursor that serves every row
    /// and empty others skip it, and the consolidation passes the rows on a read-ahead batch at a time, in order.
    /// </remarks>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var needed = columnsNeeded.ToArray();
        var active = needed.Select(c => c.Index).ToHashSet();
        var inputCursor = _input.GetRowCursor(_mapper.GetDependencies(needed), rand);
        var cursor = new MlpScoringCursor(_mapper, inputCursor, _input.GetRowCount(), active, numbersBatches: n > 1);
        if (n <= 1 || !cursor.ReadsAhead) return [cursor];
        var cursors = new DataViewRowCursor[n];
        cursors[0] = cursor;
        for (int i = 1; i < n; i++) cursors[i] = new EmptyScoringCursor(_mapper.OutputSchema, active);
        return cursors;
    }
}
