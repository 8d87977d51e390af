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
        _getFeatures(ref _featureBuffer);
        if (_featureBuffer.Length != _features.Length)
            throw new InvalidOperationException($"Row {_input.Position}: feature column '{_mapper.FeatureColumn.Name}' has {_featureBuffer.Length} values; the model expects {_features.Length}.");
        _featureBuffer.CopyTo(_features);
        _scorer.Score(_features);
        _scoredPosition = _input.Position;
    }
}
