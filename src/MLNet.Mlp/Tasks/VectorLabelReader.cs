using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Numerics;
using MLNet.Mlp.Numerics.Elementwise;

namespace MLNet.Mlp.Tasks;

/// <summary>A vector regression label (multi-output): a NaN in any slot leaves the row out, ±∞ is an error.</summary>
internal sealed class VectorLabelReader(DataViewRowCursor cursor, DataViewSchema.Column label) : LabelReader
{
    private readonly ValueGetter<VBuffer<float>> _getLabel = cursor.GetGetter<VBuffer<float>>(label);
    private VBuffer<float> _buffer;

    public override bool Read(long row, float[] targets, ref float exampleWeight)
    {
        _getLabel(ref _buffer);
        if (_buffer.Length != targets.Length)
            throw new InvalidOperationException($"Row {row}: label column '{label.Name}' has {_buffer.Length} values; expected {targets.Length}.");
        _buffer.CopyTo(targets);   // densifies a sparse label without a per-row allocation
        if (Array.Exists(targets, float.IsNaN)) return false;
        int bad = FiniteCheck.IndexOfNonFinite(targets);
        if (bad >= 0) throw new InvalidOperationException($"Row {row}: label column '{label.Name}' slot {bad} holds {targets[bad]}; regression labels must be finite.");
        return true;
    }
}
