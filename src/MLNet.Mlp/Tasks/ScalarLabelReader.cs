using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Tasks;

/// <summary>A Single regression label: NaN (missing) leaves the row out, ±∞ is an error.</summary>
internal sealed class ScalarLabelReader(DataViewRowCursor cursor, DataViewSchema.Column label) : LabelReader
{
    private readonly ValueGetter<float> _getLabel = cursor.GetGetter<float>(label);

    public override bool Read(long row, float[] targets, ref float exampleWeight)
    {
        float y = 0;
        _getLabel(ref y);
        if (float.IsNaN(y)) return false;
        if (!float.IsFinite(y)) throw new InvalidOperationException($"Row {row}: label column '{label.Name}' holds {y}; regression labels must be finite.");
        targets[0] = y;
        return true;
    }
}
