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

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded, rand)];
}
