using MLNet.Mlp.Tasks;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Scoring;

/// <summary>Computes the network outputs the prediction columns are made of, as the task's head asks; one instance per cursor or row (it holds buffers).</summary>
internal sealed class MlpScorer
{
    private readonly MlpModelParameters _model;
    private readonly MlpTaskHead _head;
    private readonly float[] _outputs;

    public MlpScorer(MlpModelParameters model)
    {
        _model = model;
        _head = model.Head;
        _outputs = new float[model.OutputCount];
    }

    /// <summary>Network output for one example: probabilities (multiclass), the logit (binary) or the label-scale prediction (regression).</summary>
    public ReadOnlySpan<float> Outputs => _outputs;

    public void Score(ReadOnlySpan<float> features)
    {
        _head.Predict(_model.Network, features, _outputs, 1, _model.ZeroSkipping);
        Unstandardize();
    }

    /// <summary>Scores one sparse row without densifying it (the model reads sparse rows: <see cref="ReadsSparse"/>).</summary>
    public void ScoreSparse(ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        _head.PredictSparse(_model.Network, indices, values, _outputs, _model.ZeroSkipping);
        Unstandardize();
    }

    /// <summary>Whether sparse rows are scored as they are: a first dense layer over at least
    /// <see cref="Fitting.DataViewReader.SparseMinFeatures"/> features, where densifying a row costs more than the row's work.</summary>
    public bool ReadsSparse => _model.FeatureCount >= Fitting.DataViewReader.SparseMinFeatures && _model.Network.Layers[0] is Layers.DenseLayer;

    private void Unstandardize()
    {
        if (_model.LabelMean is { } mean && _model.LabelScale is { } scale)
            for (int k = 0; k < _outputs.Length; k++) _outputs[k] = _outputs[k] * scale[k] + mean[k];
    }

    /// <summary>Network outputs for <paramref name="rows"/> examples at once, each row post-processed exactly as <see cref="Score"/> does.</summary>
    public void ScoreBatch(ReadOnlySpan<float> features, int rows, Span<float> outputs)
    {
        int k = _outputs.Length;
        _head.Predict(_model.Network, features, outputs, rows, _model.ZeroSkipping);
        if (_model.LabelMean is { } mean && _model.LabelScale is { } scale)
            for (int i = 0; i < rows * k; i++) outputs[i] = outputs[i] * scale[i % k] + mean[i % k];
    }
}
