using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Scoring;

/// <summary>
/// A cursor of the scored view without rows: the other members of a cursor set whose rows one
/// <see cref="MlpScoringCursor"/> serves (see <see cref="MlpScoredDataView.GetRowCursorSet"/>).
/// </summary>
internal sealed class EmptyScoringCursor(DataViewSchema schema, HashSet<int> active) : DataViewRowCursor
{
    public override DataViewSchema Schema => schema;

    public override long Position => -1;

    public override long Batch => 0;

    public override bool MoveNext() => false;

    public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId _) => throw NoRow();

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!IsColumnActive(column)) throw new InvalidOperationException($"Column '{column.Name}' was not requested from this cursor.");
        return (ref TValue _) => throw NoRow();
    }

    private static InvalidOperationException NoRow() => new("The cursor has no row: it is the empty member of a cursor set.");
}
