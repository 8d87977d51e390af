using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Scoring;

/// <summary>A scored view of one input row (the <c>PredictionEngine</c> path).</summary>
internal sealed class MlpScoredRow : DataViewRow
{
    private readonly MlpBoundMapper _mapper;
    private readonly DataViewRow _input;
    private readonly HashSet<int> _active;
    private readonly MlpRowScoring _scoring;

    public MlpScoredRow(MlpBoundMapper mapper, DataViewRow input, HashSet<int> active)
    {
        _mapper = mapper;
        _input = input;
        _active = active;
        _scoring = new MlpRowScoring(mapper, input);
    }

    public override DataViewSchema Schema => _mapper.OutputSchema;

    public override long Position => _input.Position;

    public override long Batch => _input.Batch;

    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _scoring.GetGetter<TValue>(column);
}
