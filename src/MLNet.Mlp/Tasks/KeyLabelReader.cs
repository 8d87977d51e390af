using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Tasks;

/// <summary>A key-typed label: the target is the 0-based class; key 0 (missing) leaves the row out.</summary>
internal sealed class KeyLabelReader(DataViewRowCursor cursor, DataViewSchema.Column label, int classCount, float[]? classWeights) : LabelReader
{
    private readonly ValueGetter<uint> _getKey = cursor.GetGetter<uint>(label);

    public override bool Read(long row, float[] targets, ref float exampleWeight)
    {
        uint key = 0;
        _getKey(ref key);
        if (key == 0) return false;
        if (key > classCount)
            throw new InvalidOperationException($"Row {row}: label column '{label.Name}' holds key {key}, outside its key type's {classCount} values.");
        if (classWeights != null) exampleWeight *= classWeights[key - 1];
        targets[0] = key - 1;
        return true;
    }
}
