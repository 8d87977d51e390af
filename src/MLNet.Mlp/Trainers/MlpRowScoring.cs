using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Trainers;

/// <summary>
/// The getters of a scored row over some input row (a cursor or a single row): input columns pass through, and
/// the prediction columns are computed once per input position from the feature vector.
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
    // A read-ahead holds several blocks of GemmDriver.DotMaxRows rows, scored as separate products that the cores
    // share: such products take the same kernel path as a single row, so every value is bit-identical to
    // one-row-at-a-time scoring (the PredictionEngine path).
    private const int BatchRows = 8 * ParallelBatchScoring.BlockRows;
    private readonly ParallelBatchScoring? _batchScoring;
    private DataViewRowCursor? _ahead;
    private readonly ValueGetter<VBuffer<float>>? _getAheadFeatures;
    private readonly ValueGetter<DataViewRowId>? _getAheadId, _getId;
    private readonly float[] _batchFeatures = [], _batchOutputs = [];
    private readonly DataViewRowId[] _batchIds = [];
    private long _batchStart = -1;
    private int _batchCount;

    public MlpRowScoring(MlpBoundMapper mapper, DataViewRow input, DataViewRowCursor readAhead)
        : this(mapper, input)
    {
        _ahead = readAhead;
        _getAheadFeatures = readAhead.GetGetter<VBuffer<float>>(readAhead.Schema[mapper.FeatureColumn.Index]);
        _getAheadId = readAhead.GetIdGetter();
        _getId = input.GetIdGetter();
        _batchFeatures = new float[BatchRows * mapper.Model.FeatureCount];
        _batchOutputs = new float[BatchRows * mapper.Model.OutputCount];
        _batchIds = new DataViewRowId[BatchRows];
        _batchScoring = new ParallelBatchScoring(_scorer, mapper.Model.FeatureCount, mapper.Model.OutputCount);
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

        var model = _mapper.Model;
        Delegate getter = (column.Name, model.Task) switch
        {
            (MlpBoundMapper.ScoreColumn, MlpTask.MulticlassClassification) => (ValueGetter<VBuffer<float>>)GetVector,
            (MlpBoundMapper.ScoreColumn, MlpTask.Regression) when column.Type is VectorDataViewType => (ValueGetter<VBuffer<float>>)GetVector,
            (MlpBoundMapper.ScoreColumn, _) => (ValueGetter<float>)((ref float v) => { EnsureScored(); v = _scorer.Outputs[0]; }),
            (MlpBoundMapper.ProbabilityColumn, _) => (ValueGetter<float>)((ref float v) => { EnsureScored(); v = _scorer.Probability; }),
            (MlpBoundMapper.PredictedLabelColumn, MlpTask.MulticlassClassification) => (ValueGetter<uint>)((ref uint v) => { EnsureScored(); v = _scorer.PredictedKey; }),
            (MlpBoundMapper.PredictedLabelColumn, _) => (ValueGetter<bool>)((ref bool v) => { EnsureScored(); v = _scorer.Probability > 0.5f; }),
            _ => throw new InvalidOperationException($"Unknown prediction column '{column.Name}'."),
        };
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Invalid TValue in GetGetter: column '{column.Name}' has type {column.Type}, not {typeof(TValue).Name}.");
    }

    private void GetVector(ref VBuffer<float> value)
    {
        EnsureScored();
        var outputs = _scorer.Outputs;
        var editor = VBufferEditor.Create(ref value, outputs.Length);
        outputs.CopyTo(editor.Values);
        value = editor.Commit();
    }

    private void EnsureScored()
    {
        if (_scoredPosition == _input.Position) return;
        if (_ahead != null && TryScoreFromBatch())
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
        if (position < _batchStart) return false;
        if (position >= _batchStart + _batchCount && !FillBatch(position)) return false;
        int index = (int)(position - _batchStart);
        DataViewRowId id = default;
        _getId!(ref id);
        if (!id.Equals(_batchIds[index])) return false;
        _scorer.SetOutputs(_batchOutputs, index);
        return true;
    }

    // Moves the read-ahead cursor to the main cursor's row and scores up to BatchRows rows from there.
    private bool FillBatch(long position)
    {
        var ahead = _ahead!;
        while (ahead.Position < position)
        {
            if (!ahead.MoveNext()) { StopReadingAhead(); return false; }
        }
        if (ahead.Position != position) { StopReadingAhead(); return false; }
        int f = _features.Length, rows = 0;
        while (true)
        {
            _getAheadFeatures!(ref _featureBuffer);
            if (_featureBuffer.Length != f) break;   // the main cursor reports the error for that row
            _featureBuffer.CopyTo(_batchFeatures, rows * f);
            _getAheadId!(ref _batchIds[rows]);
            rows++;
            if (rows == BatchRows || !ahead.MoveNext()) break;
        }
        if (rows == 0) { StopReadingAhead(); return false; }
        _batchScoring!.Score(_batchFeatures, rows, _batchOutputs);
        _batchStart = position;
        _batchCount = rows;
        return true;
    }

    private void StopReadingAhead()
    {
        _ahead?.Dispose();
        _ahead = null;
    }

    /// <summary>Releases the read-ahead cursor.</summary>
    public void Dispose() => StopReadingAhead();
}
