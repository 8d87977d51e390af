using MLNet.Mlp.Layers;

namespace MLNet.Mlp.Networks;

/// <summary>
/// Every buffer one forward/backward pass needs for batches of up to <see cref="Capacity"/> rows, allocated once
/// so that steps allocate nothing. One workspace serves one thread at a time.
/// </summary>
internal sealed class NetworkWorkspace
{
    public NetworkWorkspace(Network network, int capacity)
    {
        Capacity = capacity;
        var layers = network.Layers;
        Outputs = new float[layers.Count][];
        Caches = new float[layers.Count][];
        // The gradient buffers carry ∂L/∂(layer output) and a layer's input gradient, never the first layer's (the
        // network's inputs need none): the input width does not size them, which matters for 10⁵–10⁶ sparse features.
        int widest = 1;
        for (int i = 0; i < layers.Count; i++)
        {
            var shape = layers[i].ShapeFor(layers[i].InputSize);
            RequireArray(capacity * (long)layers[i].OutputSize, capacity, layers[i]);
            RequireArray(shape.Cache(capacity), capacity, layers[i]);
            widest = Math.Max(widest, layers[i].OutputSize);
        }
        RequireArray(capacity * (long)widest, capacity, null);
        for (int i = 0; i < layers.Count; i++)
        {
            Outputs[i] = new float[capacity * layers[i].OutputSize];
            Caches[i] = new float[layers[i].CacheSize(capacity)];
        }
        GradientA = new float[capacity * widest];
        GradientB = new float[capacity * widest];
    }

    // Checked before the first allocation: rows × width past an int would otherwise wrap and fail (or, wrapped to a
    // positive size, index out of range) far from its cause.
    private static void RequireArray(long values, int capacity, Layer? layer)
    {
        if (values > Array.MaxLength)
            throw new InsufficientMemoryException(
                $"A batch of {capacity:N0} rows needs {values:N0} values for {(layer is null ? "the widest layer's gradient" : $"layer {layer}")}, more than one "
                + $".NET array holds ({Array.MaxLength:N0}). Use a smaller batch or narrower layers.");
    }

    public int Capacity { get; }

    public float[][] Outputs { get; }

    public float[][] Caches { get; }

    // Ping-pong buffers for ∂L/∂(layer output) travelling backwards.
    public float[] GradientA { get; }

    public float[] GradientB { get; }

    /// <summary>Buffers for scoring mostly-zero rows through <see cref="ZeroSkippingInference"/>, made on first use.</summary>
    public ZeroSkippingInference.Scratch? ZeroSkipping { get; set; }

    public ReadOnlySpan<float> Output(int rows) => Outputs[^1].AsSpan(0, rows * (Outputs[^1].Length / Capacity));
}
