using MLNet.Mlp.Layers;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Numerics;

namespace MLNet.Mlp.Tests.GradientChecking;

/// <summary>
/// Runs one layer's internal Forward/Backward on its own (inside a one-layer network that owns its buffers) with
/// the probe objective L = Σ c·y, so each layer can be gradient-checked in isolation.
/// </summary>
internal sealed class LayerProbe
{
    public LayerProbe(Layer layer, int inputSize, int rows, int seed, Func<RandomSource?>? random = null)
    {
        Layer = layer;
        Network = new Network(inputSize, layer);
        Network.Initialize(seed);
        Rows = rows;
        var r = new Random(seed);
        Input = FiniteDifference.Uniform(r, rows * inputSize, -2f, 2f);
        Coefficients = FiniteDifference.Uniform(r, rows * layer.OutputSize, -1f, 1f);
        Output = new float[rows * layer.OutputSize];
        Cache = new float[layer.CacheSize(rows)];
        _random = random ?? (() => null);
    }

    private readonly Func<RandomSource?> _random;

    public Layer Layer { get; }
    public Network Network { get; }
    public int Rows { get; }
    public float[] Input { get; }
    public float[] Coefficients { get; }
    public float[] Output { get; }
    public float[] Cache { get; }
    public bool Training { get; set; } = true;

    private ForwardContext Context => new(Training, 1, _random());

    /// <summary>Forward pass, then L = Σ c·y in double.</summary>
    public double Objective()
    {
        Layer.Forward(Input, Output, Cache, Rows, Context);
        return FiniteDifference.Dot(Coefficients, Output);
    }

    /// <summary>Forward + backward: returns ∂L/∂x; ∂L/∂θ is left in the network's gradient array.</summary>
    public float[] Backward()
    {
        Objective();
        var outputGradient = (float[])Coefficients.Clone();
        var inputGradient = new float[Input.Length];
        Layer.Backward(Input, Output, Cache, outputGradient, inputGradient, Rows, Context);
        return inputGradient;
    }
}
