namespace MLNet.Mlp.Onnx;

/// <summary>
/// A per-feature affine map y = x·scale + shift (e.g. inference-time batch normalization folded into two vectors).
/// Its width is unchanged.
/// </summary>
/// <param name="Scale">One multiplier per feature.</param>
/// <param name="Shift">One offset per feature.</param>
internal sealed record OnnxAffineLayer(float[] Scale, float[] Shift) : OnnxLayer
{
    internal override int OutputWidth(int inputWidth) => inputWidth;

    internal override void Validate(int index, int inputWidth)
    {
        if (Scale.Length != inputWidth || Shift.Length != inputWidth)
            throw new ArgumentException($"Layer {index}: affine layer needs {inputWidth} scales and shifts, got {Scale.Length} and {Shift.Length}.");
    }
}
