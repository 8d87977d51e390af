namespace MLNet.Mlp.Initializers;

/// <summary>Weights drawn from N(0, std²) with std = √(gain / fan) — the Xavier/Glorot and He/Kaiming normal schemes.</summary>
public sealed class NormalInitializer : IWeightInitializer
{
    private readonly Func<int, int, double> _std;

    internal NormalInitializer(string name, Func<int, int, double> std)
    {
        Name = name;
        _std = std;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public void Initialize(Span<float> weights, int fanIn, int fanOut, Random random)
    {
        double std = _std(fanIn, fanOut);
        for (int i = 0; i < weights.Length; i++)
        {
            // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1].
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            weights[i] = (float)(std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }
    }
}
