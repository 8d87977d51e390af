namespace MLNet.Mlp.Losses;

/// <summary>Shape checks shared by the built-in losses, so every loss reports mismatches the same way.</summary>
internal static class LossShapes
{
    public static int Rows(ReadOnlySpan<float> outputs, int columns, ReadOnlySpan<float> weights)
    {
        if (columns <= 0) throw new ArgumentOutOfRangeException(nameof(columns), columns, "Output width must be positive.");
        if (outputs.Length % columns != 0)
            throw new ArgumentException($"Output length {outputs.Length} is not a multiple of the width {columns}.", nameof(outputs));
        int rows = outputs.Length / columns;
        if (!weights.IsEmpty && weights.Length != rows)
            throw new ArgumentException($"Expected {rows} example weights (one per row) but got {weights.Length}.", nameof(weights));
        return rows;
    }

    public static void RequireTargetWidth(string loss, ReadOnlySpan<float> targets, int rows, int width)
    {
        if (targets.Length != rows * width)
            throw new ArgumentException($"{loss} expects targets of {rows}×{width} = {rows * width} values but got {targets.Length}.", nameof(targets));
    }

    public static float Weight(ReadOnlySpan<float> weights, int row) => weights.IsEmpty ? 1f : weights[row];
}
