using MLNet.Mlp.Layers;
using MLNet.Mlp.Networks;

namespace MLNet.Mlp.Training;

/// <summary>
/// Whether a run feeds dense training rows to its first layer through the sparse passes, which skip the zeros.
/// Images on a blank background, counts and blocks of one-hot columns are mostly zeros, and the first layer is most
/// of a network's arithmetic: at a fifth non-zero (MNIST), its forward pass and weight gradient cost a fifth of the
/// dense products' multiply-adds, at about half the dense products' rate. The optimizer still updates every parameter
/// every step, so only the summation order differs from the dense products. Each step also pays for finding the
/// non-zeros, which tiny batches do not repay, and with an input offset (<see cref="TrainingData.InputOffset"/>) for a
/// pass over the first layer's weights and one over their gradient, which small batches do not repay either: those
/// keep the dense products.
/// </summary>
internal static class ZeroSkipping
{
    /// <summary>The sparse passes win below this share of non-zeros; around it they run about as fast as the dense products.</summary>
    public const double MaxNonZeroFraction = 0.4;

    /// <summary>Below this many inputs the dense product is too small for the difference to matter.</summary>
    public const int MinFeatures = 32;

    /// <summary>Below this batch size finding the non-zeros costs more than skipping them saves.</summary>
    public const int MinBatchRows = 16;

    /// <summary>Below this batch size the two passes over the first layer that an input offset adds to each step
    /// cost about what skipping the zeros saves (MNIST with 128 units: even at 32 rows, ahead at 256).</summary>
    public const int MinBatchRowsWithOffset = 64;

    /// <summary>Whether <paramref name="network"/> trains on the dense rows of <paramref name="train"/> with their zeros skipped.</summary>
    public static bool Applies(Network network, TrainingData train, int batchSize) =>
        network.Layers[0] is DenseLayer && Suits(train, batchSize, train.InputOffset != null);

    /// <summary>Whether a first dense layer trained on <paramref name="data"/> in batches of <paramref name="batchSize"/>
    /// rows, with an input offset or not, would skip the zeros: the rows are dense, mostly zeros, and the batches
    /// large enough.</summary>
    public static bool Suits(TrainingData data, int batchSize, bool withOffset) =>
        data.SparseFeatures == null && data.FeatureCount >= MinFeatures
        && Math.Min(batchSize, data.Rows) >= (withOffset ? MinBatchRowsWithOffset : MinBatchRows)
        && (long)batchSize * data.FeatureCount <= Array.MaxLength && data.NonZeroFraction <= MaxNonZeroFraction;
}
