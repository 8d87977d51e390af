namespace MLNet.Mlp.Initializers;

/// <summary>Weights drawn from U(−limit, limit) with limit = √(gain / fan) — the Xavier/Glorot and He/Kaiming uniform schemes.</summary>
public sealed class UniformInitializer : IWeightInitializer
{
    private readonly Func<int, int, double> _limit;

    internal UniformInitializer(string name, Func<int, int, double> limit)
    {
        Name = name;
        _limit = limit;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public void Initialize(Span<float> weights, int fanIn, int fanOut, Random random)
    {
        double limit = _limit(fanIn, fanOut);
        for (int i = 0; i < weights.Length; i++)
            weights[i] = (float)((random.NextDouble() * 2.0 - 1.0) * limit);
    }
}
