using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Scoring;

/// <summary>
/// The prediction-column getters of a scored row over some input row (a cursor or a single row): the prediction
/// columns, whose getters the task's head makes, are computed once per input position from the feature vector, or
/// taken from the read-ahead batch of a <see cref="MlpScoringCursor"/> when it holds the row.
/// </summary>
internal sealed class MlpRowScoring
{
    private readonly MlpBoundMapper _mapper;
    private readonly DataViewRow _input;
    private readonly ValueGetter<VBuffer<float>> _getFeatures;
    private readonly MlpScorer _scorer;
    private readonly float[] _features;
    private readonly MlpScoringCursor? _readAhead;
    private VBuffer<float> _featureBuffer;
    private long _scoredPosition = -1;

    /// <param name="mapper">The bound model.</param>
    /// <param name="input">The input row; its current row is the one scored when <paramref name="readAhead"/> does not hold it.</param>
    /// <param name="readAhead">The Transform cursor whose scored batches serve the rows it has read ahead; null for PredictionEngine.</param>
    public MlpRowScoring(MlpBoundMapper mapper, DataViewRow input, MlpScoringCursor? readAhead = null)
    {
        _mapper = mapper;
        _input = input;
        _readAhead = readAhead;
        _scorer = new MlpScorer(mapper.Model);
        _features = new float[mapper.Model.FeatureCount];
        _getFeatures = input.IsColumnActive(mapper.FeatureColumn)
            ? input.GetGetter<VBuffer<float>>(mapper.FeatureColumn)
            : (ref VBuffer<float> _) => throw new InvalidOperationException($"Feature column '{mapper.FeatureColumn.Name}' is not active in the input row.");
    }

    /// <summary>Scores the rows of a read-ahead batch (only the model is read, so the GEMM helpers may share it).</summary>
    public MlpScorer Scorer => _scorer;

    /// <summary>The getter of a prediction column.</summary>
    public ValueGetter<TValue> GetPredictionGetter<TValue>(DataViewSchema.Column column)
        => _mapper.Model.Head.CreateGetter(column, this) as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Invalid TValue in GetGetter: column '{column.Name}' has type {column.Type}, not {typeof(TValue).Name}.");

    /// <summary>The getter of any output column: input columns pass through from the input row.</summary>
    public ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        => _mapper.IsPrediction(column) ? GetPredictionGetter<TValue>(column) : _input.GetGetter<TValue>(_input.Schema[column.Index]);

    /// <summary>The network outputs of the current row (see <see cref="MlpScorer.Outputs"/>), scored on first use.</summary>
    public ReadOnlySpan<float> ScoredOutputs()
    {
        if (_readAhead != null && _readAhead.TryGetBatchOutputs(out var batched)) return batched;
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

    /// <summary>
    /// Reads the current input row's feature vector into <paramref name="destination"/>; false when it does not have
    /// the model's width (the caller then leaves the row to <see cref="ScoredOutputs"/>, which reports it).
    /// </summary>
    public bool TryReadFeatures(Span<float> destination)
    {
        _getFeatures(ref _featureBuffer);
        if (_featureBuffer.Length != _features.Length) return false;
        _featureBuffer.CopyTo(destination);
        return true;
    }

    private void EnsureScored()
    {
        if (_scoredPosition == _input.Position) return;
        _getFeatures(ref _featureBuffer);
        if (_featureBuffer.Length != _features.Length)
            throw new InvalidOperationException($"Row {_input.Position}: feature column '{_mapper.FeatureColumn.Name}' has {_featureBuffer.Length} values; the model expects {_features.Length}.");
        if (!_featureBuffer.IsDense && _scorer.ReadsSparse) _scorer.ScoreSparse(_featureBuffer.GetIndices(), _featureBuffer.GetValues());
        else
        {
            _featureBuffer.CopyTo(_features);
            _scorer.Score(_features);
        }
        _scoredPosition = _input.Position;
    }
}
