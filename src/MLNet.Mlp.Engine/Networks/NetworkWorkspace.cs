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
        int widest = network.InputSize;
        for (int i = 0; i < layers.Count; i++)
        {
            Outputs[i] = new float[capacity * layers[i].OutputSize];
            Caches[i] = new float[layers[i].CacheSize(capacity)];
            widest = Math.Max(widest, layers[i].OutputSize);
        }
        GradientA = new float[capacity * widest];
        GradientB = new float[capacity * widest];
    }

    public int Capacity { get; }

    public float[][] Outputs { get; }

    public float[][] Caches { get; }

    // Ping-pong buffers for ∂L/∂(layer output) travelling backwards.
    public float[] GradientA { get; }

    public float[] GradientB { get; }

    public ReadOnlySpan<float> Output(int rows) => Outputs[^1].AsSpan(0, rows * (Outputs[^1].Length / Capacity));
}
