namespace MLNet.Mlp.Initializers;

/// <summary>Draws the initial weights of one layer. Biases always start at zero.</summary>
/// <remarks>Implement it in your own assembly for a custom scheme; draw only from the given random source so
/// that training stays deterministic for a seed.</remarks>
public interface IWeightInitializer
{
    /// <summary>A short, stable name.</summary>
    string Name { get; }

    /// <summary>Fills <paramref name="weights"/> ([fanOut × fanIn], row-major).</summary>
    /// <param name="weights">The layer's weight matrix.</param>
    /// <param name="fanIn">Inputs per unit.</param>
    /// <param name="fanOut">Units in the layer.</param>
    /// <param name="random">The seeded random source to draw from.</param>
    void Initialize(Span<float> weights, int fanIn, int fanOut, Random random);
}
