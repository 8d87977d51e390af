using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Tasks;

/// <summary>A Boolean label: the target is 1 for true and 0 for false.</summary>
internal sealed class BooleanLabelReader(DataViewRowCursor cursor, DataViewSchema.Column label, float[]? classWeights) : LabelReader
{
    private readonly ValueGetter<bool> _getLabel = cursor.GetGetter<bool>(label);

    public override bool Read(long row, float[] targets, ref float exampleWeight)
    {
        bool b = false;
        _getLabel(ref b);
        if (classWeights != null) exampleWeight *= classWeights[b ? 1 : 0];
        targets[0] = b ? 1f : 0f;
        return true;
    }
}
