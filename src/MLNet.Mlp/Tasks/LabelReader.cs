namespace MLNet.Mlp.Tasks;

/// <summary>Reads the label of a cursor's current row into the targets of one example; one instance per cursor.</summary>
internal abstract class LabelReader
{
    /// <summary>
    /// Reads the label of the current row into <paramref name="targets"/> and multiplies <paramref name="exampleWeight"/>
    /// by the class weight, if any. Returns false, leaving the row out, when the label is missing; throws
    /// <see cref="InvalidOperationException"/> naming <paramref name="row"/> when it is invalid.
    /// </summary>
    public abstract bool Read(long row, float[] targets, ref float exampleWeight);
}
