using System.Runtime.ExceptionServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Scoring;

/// <summary>
/// A cursor of the view <c>Transform</c> returns: the input rows plus the prediction columns, scored in batches.
/// </summary>
/// <remarks>
/// Batching reads ahead on the one input cursor; a second cursor would assume that the input can be read twice
/// with the same rows in the same order, which a consume-once source (a queue behind <c>LoadFromEnumerable</c>) or
/// a view whose cursors differ does not honour, and rows it took would be lost to the main cursor. So the cursor
/// reads up to a batch of rows, copying each row's feature vector, row id and every requested pass-through column
/// (<see cref="BufferedColumn"/>), and serves them from those copies. Two batches alternate: while the GEMM helpers
/// score one, this thread reads the next, then joins the scoring (see <see cref="ReadAheadBatch"/>: every value is
/// bit-identical to one-row scoring, the PredictionEngine path).
/// A row the read-ahead cannot read (a getter throws, a feature vector of another width, the input's MoveNext
/// throws) ends the reading ahead: the rows before it are served from the batches, and from it on the cursor
/// follows the input row by row, so the error surfaces at that row, as it would without batching. A requested
/// column whose values cannot be copied safely (a reference type) also means row-by-row scoring.
/// The cursor of a cursor set (<see cref="MlpScoredDataView.GetRowCursorSet"/>) numbers its batches as its
/// <c>Batch</c>, so that ML.NET's consolidation of the set passes its rows on a batch at a time.
/// </remarks>
internal sealed class MlpScoringCursor : DataViewRowCursor
{
    private readonly MlpBoundMapper _mapper;
    private readonly DataViewRowCursor _input;
    private readonly HashSet<int> _active;
    private readonly MlpRowScoring _scoring;
    private readonly Dictionary<int, BufferedColumn> _buffered = [];
    private readonly BufferedColumn[] _bufferedList = [];
    private readonly ValueGetter<DataViewRowId> _getInputId;
    // Batch counts the read-ahead batches served (the cursor of a cursor set, when it reads ahead) rather than
    // passing the input's on.
    private readonly bool _numbersBatches;
    private long _batchNumber;

    // The batch being served (row _index of it) and the one read after it; null when not reading ahead.
    private ReadAheadBatch? _current, _next;
    private int _index;
    private long _position = -1;
    // Serving the input cursor's own current row (no batch holds it): before reading ahead, or after it stopped.
    private bool _direct = true;
    private bool _started, _done;
    // Reading ahead is over: the input ended, a row could not be read, or it never started.
    private bool _aheadStopped;
    private bool _inputEnded;
    // The input cursor sits on a row the read-ahead could not read: the next direct row is that one.
    private bool _inputOnUnreadRow;
    // The input's MoveNext threw while reading ahead: thrown when the cursor gets to that row.
    private ExceptionDispatchInfo? _moveError;

    /// <param name="mapper">The bound model.</param>
    /// <param name="input">The input cursor.</param>
    /// <param name="rowCount">The input's row count, when known.</param>
    /// <param name="active">The output columns requested.</param>
    /// <param name="numbersBatches">Whether <see cref="Batch"/> counts the read-ahead batches (the cursor of a cursor set).</param>
    public MlpScoringCursor(MlpBoundMapper mapper, DataViewRowCursor input, long? rowCount, HashSet<int> active, bool numbersBatches = false)
    {
        _mapper = mapper;
        _input = input;
        _active = active;
        _numbersBatches = numbersBatches;
        _getInputId = input.GetIdGetter();
        _scoring = new MlpRowScoring(mapper, input, this);
        _aheadStopped = true;
        // Without a prediction column there is nothing to score: the input rows pass through.
        if (!active.Any(i => i >= mapper.InputColumnCount)) return;
        // A model that reads sparse rows scores row by row from the row's non-zeros: a dense batch of 10⁵–10⁶-wide
        // rows would cost far more memory and time than the rows' work.
        if (_scoring.Scorer.ReadsSparse) return;

        int capacity = ReadAheadBatch.CapacityFor(rowCount);
        var list = new List<BufferedColumn>();
        foreach (int index in active.Where(i => i < mapper.InputColumnCount).Order())
        {
            var column = BufferedColumn.TryCreate(input, input.Schema[index], 2 * capacity);
            if (column == null) return;
            _buffered[index] = column;
            list.Add(column);
        }
        _bufferedList = [.. list];
        var model = mapper.Model;
        _current = new ReadAheadBatch(_scoring.Scorer, model.FeatureCount, model.OutputCount, capacity, 0);
        _next = new ReadAheadBatch(_scoring.Scorer, model.FeatureCount, model.OutputCount, capacity, capacity);
        _aheadStopped = false;
    }

    /// <summary>Whether the cursor scores read-ahead batches (false: row by row, from the input's current row).</summary>
    public bool ReadsAhead => _current != null;

    public override DataViewSchema Schema => _mapper.OutputSchema;

    public override long Position => _position;

    public override long Batch => _numbersBatches && _current != null ? _batchNumber : _input.Batch;

    public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

    public override bool MoveNext()
    {
        if (_done) return false;
        if (!_started)
        {
            _started = true;
            if (Start()) return Served();
        }
        else if (!_direct && ++_index < _current!.Count)
        {
            return Served();
        }
        else if (!_direct && _next!.Count > 0)
        {
            StepIntoNext();
            return Served();
        }
        return MoveDirect();
    }

    private bool Served()
    {
        _direct = false;
        _position++;
        return true;
    }

    // Reads the first two batches; false when not even one row could be read ahead.
    private bool Start()
    {
        if (_aheadStopped || !Fill(_current!)) return false;
        _current!.BeginScoring();
        bool following = Fill(_next!);
        _current.CompleteScoring();
        if (following) _next!.BeginScoring();
        _index = 0;
        return true;
    }

    // The served batch is used up: the next one becomes current, and the used one takes the rows after it while the
    // helpers are still scoring the next one.
    private void StepIntoNext()
    {
        var used = _current!;
        _current = _next!;
        _next = used;
        _index = 0;
        _batchNumber++;
        bool more = Fill(used);
        _current.CompleteScoring();
        if (more) used.BeginScoring();
    }

    private bool MoveDirect()
    {
        _direct = true;
        if (_moveError is { } error)
        {
            _moveError = null;
            _done = true;
            _position = -1;
            error.Throw();
        }
        if (_inputOnUnreadRow)
        {
            _inputOnUnreadRow = false;
            _position++;
            return true;
        }
        if (_inputEnded || !_input.MoveNext())
        {
            _inputEnded = true;
            _done = true;
            _position = -1;
            return false;
        }
        _position++;
        return true;
    }

    // Reads up to a batch of rows from the input; false when none could be read.
    private bool Fill(ReadAheadBatch batch)
    {
        batch.CompleteScoring();
        batch.Count = 0;
        if (_aheadStopped) return false;
        int f = _mapper.Model.FeatureCount;
        while (batch.Count < batch.Capacity)
        {
            try
            {
                if (!_input.MoveNext())
                {
                    _inputEnded = true;
                    _aheadStopped = true;
                    break;
                }
            }
            catch (Exception e)
            {
                _moveError = ExceptionDispatchInfo.Capture(e);
                _aheadStopped = true;
                break;
            }

            if (!TryReadRow(batch, batch.Count, f))
            {
                _inputOnUnreadRow = true;
                _aheadStopped = true;
                break;
            }
            batch.Count++;
        }
        return batch.Count > 0;
    }

    private bool TryReadRow(ReadAheadBatch batch, int row, int featureCount)
    {
        try
        {
            if (!_scoring.TryReadFeatures(batch.Features.AsSpan(row * featureCount, featureCount))) return false;
            _getInputId(ref batch.Ids[row]);
            int slot = batch.SlotBase + row;
            foreach (var column in _bufferedList) column.Read(slot);
            return true;
        }
        catch (Exception)
        {
            // A row the read-ahead cannot read (a corrupt record, a mapping that throws on it) is for the consumer to
            // meet at that row, not hundreds of rows early: the cursor will serve it from the input itself.
            return false;
        }
    }

    /// <summary>The current row's outputs when a read-ahead batch holds it.</summary>
    internal bool TryGetBatchOutputs(out ReadOnlySpan<float> outputs)
    {
        if (_direct)
        {
            outputs = default;
            return false;
        }
        // A no-op unless an exception left MoveNext while the batch was being scored.
        _current!.CompleteScoring();
        outputs = _current.OutputsOf(_index);
        return true;
    }

    public override ValueGetter<DataViewRowId> GetIdGetter()
        => (ref DataViewRowId value) =>
        {
            if (_direct) _getInputId(ref value);
            else value = _current!.Ids[_index];
        };

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!IsColumnActive(column)) throw new InvalidOperationException($"Column '{column.Name}' was not requested from this cursor.");
        if (_mapper.IsPrediction(column)) return _scoring.GetPredictionGetter<TValue>(column);
        var fromInput = _input.GetGetter<TValue>(_input.Schema[column.Index]);
        if (!_buffered.TryGetValue(column.Index, out var buffered)) return fromInput;
        var fromBatch = buffered as BufferedColumn<TValue>
            ?? throw new InvalidOperationException($"Invalid TValue in GetGetter: column '{column.Name}' has type {column.Type}, not {typeof(TValue).Name}.");
        return (ref TValue value) =>
        {
            if (_direct) fromInput(ref value);
            else fromBatch.Get(_current!.SlotBase + _index, ref value);
        };
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DropScoring(_current);
            DropScoring(_next);
            _input.Dispose();
            _done = true;
        }
        base.Dispose(disposing);
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
}
