namespace MLNet.Mlp.Layers;

/// <summary>
/// The sizes a layer has for a given input width, in <see langword="long"/> so that a layer too large for an array
/// shows up as a number rather than as an overflowed <see langword="int"/>.
/// </summary>
/// <param name="OutputSize">The output width.</param>
/// <param name="Weights">Trainable values subject to weight decay (the weight matrix).</param>
/// <param name="OtherParameters">Trainable values exempt from weight decay (biases, batch-norm scale and shift).</param>
/// <param name="State">Non-trainable values (batch-norm running statistics).</param>
/// <param name="CachePerRow">Floats of backward-pass scratch per batch row.</param>
/// <param name="CacheFixed">Floats of backward-pass scratch per batch, whatever its rows.</param>
internal readonly record struct LayerShape(int OutputSize, long Weights, long OtherParameters, long State, long CachePerRow, long CacheFixed)
{
    /// <summary>The backward-pass scratch for a batch of <paramref name="rows"/> rows.</summary>
    public long Cache(long rows) => checked(rows * CachePerRow + CacheFixed);
}
