using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Scoring;

/// <summary>
/// The getters of a scored row over some input row (a cursor or a single row): input columns pass through, and
/// the prediction columns, whose getters the task's head makes, are computed once per input position from the
/// feature vector.
/// </summary>
internal sealed class MlpRowScoring
{
    private readonly MlpBoundMapper _mapper;
    private readonly DataViewRow _input;
    private readonly ValueGetter<VBuffer<float>> _getFeatures;
    private readonly MlpScorer _scorer;
    private readonly float[] _features;
    private VBuffer<float> _featureBuffer;
    private long _scoredPosition = -1;

    // Batched scoring (Transform cursors): a second cursor over the same input reads the feature vectors of the
    // next rows ahead, they are scored together, and each row's outputs are served when the main cursor gets
    // there. Row ids are compared, so a row the read-ahead did not see identically is scored alone.
    // Two batches alternate: while the helper threads score one, this thread reads the next (reading is a quarter
    // of the work, and it hides the helpers' wake-up), then joins the scoring. Every value is bit-identical to
    // one-row-at-a-time scoring (the PredictionEngine path): see ReadAheadBatch.
    private DataViewRowCursor? _ahead;
    private readonly ValueGetter<VBuffer<float>>? _getAheadFeatures;
    private readonly ValueGetter<DataViewRowId>? _getAheadId, _getId;
    private ReadAheadBatch? _current, _next;

    public MlpRowScoring(MlpBoundMapper mapper, DataViewRow input, DataViewRowCursor readAhead, long? rowCount)
        : this(mapper, input)
    {
        _ahead = readAhead;
        _getAheadFeatures = readAhead.GetGetter<VBuffer<float>>(readAhead.Schema[mapper.FeatureColumn.Index]);
        _getAheadId = readAhead.GetIdGetter();
        _getId = input.GetIdGetter();
        _current = new ReadAheadBatch(_scorer, mapper.Model.FeatureCount, mapper.Model.OutputCount, rowCount);
        _next = new ReadAheadBatch(_scorer, mapper.Model.FeatureCount, mapper.Model.OutputCount, rowCount);
    }

    public MlpRowScoring(MlpBoundMapper mapper, DataViewRow input)
    {
        _mapper = mapper;
        _input = input;
        _scorer = new MlpScorer(mapper.Model);
        _features = new float[mapper.Model.FeatureCount];
        _getFeatures = input.IsColumnActive(mapper.FeatureColumn)
            ? input.GetGetter<VBuffer<float>>(mapper.FeatureColumn)
            : (ref VBuffer<float> _) => throw new InvalidOperationException($"Feature column '{mapper.FeatureColumn.Name}' is not active in the input row.");
    }

    public ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!_mapper.IsPrediction(column))
            return _input.GetGetter<TValue>(_input.Schema[column.Index]);
        return _mapper.Model.Head.CreateGetter(column, this) as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Invalid TValue in GetGetter: column '{column.Name}' has type {column.Type}, not {typeof(TValue).Name}.");
    }

    /// <summary>The network outputs of the current row (see <see cref="MlpScorer.Outputs"/>), scored on first use.</summary>
    public ReadOnlySpan<float> ScoredOutputs()
    {
        EnsureScored();
        return _scorer.Outputs;
    }

    /// <summary>A getter of a vector column holding the current row's outputs.</summary>
    public void GetOutputs(ref VBuffer<float> value)
    {
        var outputs = ScoredOutputs();
        var editor = VBufferEditor.Create(ref value, outputs.Length);
        outputs.CopyTo(editor.Values);
        value = editor.Commit();
    }

    /// <summary>The error for a prediction column the task's head does not know.</summary>
    public static InvalidOperationException UnknownColumn(DataViewSchema.Column column) => new($"Unknown prediction column '{column.Name}'.");

    private void EnsureScored()
    {
        if (_scoredPosition == _input.Position) return;
        if (_current != null && TryScoreFromBatch())
        {
            _scoredPosition = _input.Position;
            return;
        }
        _getFeatures(ref _featureBuffer);
        if (_featureBuffer.Length != _features.Length)
            throw new InvalidOperationException($"Row {_input.Position}: feature column '{_mapper.FeatureColumn.Name}' has {_featureBuffer.Length} values; the model expects {_features.Length}.");
        _featureBuffer.CopyTo(_features);
        _scorer.Score(_features);
        _scoredPosition = _input.Position;
    }

    private bool TryScoreFromBatch()
    {
        long position = _input.Position;
        var batch = BatchFor(position);
        if (batch == null) return false;
        int index = (int)(position - batch.Start);
        DataViewRowId id = default;
        _getId!(ref id);
        if (!id.Equals(batch.Ids[index])) return false;
        _scorer.SetOutputs(batch.Outputs, index);
        return true;
    }

    // The scored batch holding the row at position, or null when the read-ahead cannot provide it.
    private ReadAheadBatch? BatchFor(long position)
    {
        var current = _current!;
        var next = _next!;
        if (current.Contains(position))
        {
            // A no-op unless an exception left this method while the batch was being scored.
            current.CompleteScoring();
            return current;
        }

        if (next.Contains(position))
        {
            // The consumed batch takes the rows after the next one while the helpers are still scoring that one.
            (_current, _next) = (next, current);
            bool more = Read(current, next.Start + next.Count);
            next.CompleteScoring();
            if (more) current.BeginScoring();
            return next;
        }

        // First use, or the main cursor moved past both batches: start over at its row.
        next.CompleteScoring();
        next.Count = 0;
        if (!Read(current, position)) return null;
        current.BeginScoring();
        bool following = Read(next, position + current.Count);
        current.CompleteScoring();
        if (following) next.BeginScoring();
        return current;
    }

    // Moves the read-ahead cursor to row `from` and reads up to a batch of rows from there; false when none could be read.
    private bool Read(ReadAheadBatch batch, long from)
    {
        batch.CompleteScoring();
        batch.Start = from;
        batch.Count = 0;
        try
        {
            Fill(batch, from);
        }
        catch (Exception)
        {
            // A row the read-ahead cannot read (a corrupt record, a mapping that throws on it) is for the main cursor to
            // report, at that row and not hundreds of rows early: keep the rows before it and stop reading ahead.
            StopReadingAhead();
        }
        return batch.Count > 0;
    }

    private void Fill(ReadAheadBatch batch, long from)
    {
        var ahead = _ahead;
        if (ahead == null) return;
        while (ahead.Position < from)
        {
            if (!ahead.MoveNext()) { StopReadingAhead(); return; }
        }
        if (ahead.Position != from) { StopReadingAhead(); return; }
        int f = _features.Length;
        while (true)
        {
            _getAheadFeatures!(ref _featureBuffer);
            if (_featureBuffer.Length != f) return;   // the main cursor reports the error for that row
            _featureBuffer.CopyTo(batch.Features, batch.Count * f);
            _getAheadId!(ref batch.Ids[batch.Count]);
            batch.Count++;
            if (batch.Count == batch.Capacity) return;
            if (!ahead.MoveNext()) { StopReadingAhead(); return; }
        }
    }

    private void StopReadingAhead()
    {
        _ahead?.Dispose();
        _ahead = null;
    }

    private static void DropScoring(ReadAheadBatch? batch)
    {
        try
        {
            batch?.CompleteScoring();
        }
        catch (Exception)
        {
            // Rows nobody will read; the failure would have surfaced had the cursor got there.
        }
    }

    /// <summary>Waits for any scoring still under way (its results are dropped) and releases the read-ahead cursor.</summary>
    public void Dispose()
    {
        DropScoring(_current);
        DropScoring(_next);
        StopReadingAhead();
    }
}
