using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Numerics.MatrixMultiplication;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Networks;

/// <summary>
/// Scoring mostly-zero dense rows with the first layer reading only their non-zeros (<see cref="ZeroSkippingInference"/>):
/// the path is taken, and every output has the bits of the dense product, for every block height the scorers use (the
/// 512-bit dot kernel's up to 32 rows, the blocked GEMM's taller blocks), depths with one and several depth blocks and
/// with a tail past the last whole vector, and widths that need padding.
/// </summary>
public class ZeroSkippingInferenceTests
{
    [Theory]
    [InlineData(784, 128, 1)]
    [InlineData(784, 128, 7)]
    [InlineData(784, 128, 32)]
    [InlineData(784, 128, 33)]
    [InlineData(784, 128, 256)]
    [InlineData(600, 100, 1)]
    [InlineData(600, 100, 32)]
    [InlineData(600, 100, 200)]
    [InlineData(40, 10, 1)]
    [InlineData(40, 10, 40)]
    [InlineData(37, 1, 5)]
    [InlineData(37, 1, 90)]
    [InlineData(1030, 300, 3)]
    [InlineData(1030, 300, 64)]
    [InlineData(64, 16, 32)]
    [InlineData(64, 16, 100)]
    public void MostlyZeroRowsScoreWithTheDenseProductsBits(int inputs, int units, int rows)
    {
        var network = new Network(inputs, new DenseLayer(units, Activation.Relu), new DenseLayer(3, Activation.Softmax));
        network.Initialize(inputs + units);
        var skipping = ZeroSkippingInference.For(network);
        Assert.NotNull(skipping);
        var features = MostlyZeros(new Random(rows), rows, inputs, density: 0.2);

        var dense = new float[rows * 3];
        var sparse = new float[rows * 3];
        network.Predict(features, dense, rows);
        network.PredictSkippingZeros(features, sparse, rows, 1, skipping);

        Assert.True(TakesThePath(network, skipping!, features, rows));
        AssertBitIdentical(dense, sparse);
    }

    [Fact]
    public void ABinaryModelsLogitSkippingZerosHasTheDenseProductsBits()
    {
        // A binary model's score is the output layer's pre-activation: with one dense layer that is the skipped product itself.
        var network = new Network(300, new DenseLayer(1, Activation.Sigmoid));
        network.Initialize(4);
        var skipping = ZeroSkippingInference.For(network)!;
        var features = MostlyZeros(new Random(4), 50, 300, density: 0.1);
        var dense = new float[50];
        var sparse = new float[50];

        network.PredictPreActivation(features, dense, 50, 1);
        network.PredictPreActivation(features, sparse, 50, 1, skipping);

        Assert.True(TakesThePath(network, skipping, features, 50));
        AssertBitIdentical(dense, sparse);
    }

    [Fact]
    public void RowsWithMoreNonZerosThanTheLimitKeepTheDenseProduct()
    {
        var network = new Network(100, new DenseLayer(20, Activation.Tanh));
        network.Initialize(2);
        var skipping = ZeroSkippingInference.For(network)!;
        var features = MostlyZeros(new Random(2), 10, 100, density: 0.9);

        Assert.False(TakesThePath(network, skipping, features, 10));

        var dense = new float[10 * 20];
        var viaSkipping = new float[10 * 20];
        network.Predict(features, dense, 10);
        network.PredictSkippingZeros(features, viaSkipping, 10, 1, skipping);
        AssertBitIdentical(dense, viaSkipping);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(64)]
    public void ABlockSkipsItsZerosUpToItsPathsShareOfNonZerosAndNotOneMore(int rows)
    {
        const int inputs = 100;
        var network = new Network(inputs, new DenseLayer(8, Activation.Relu));
        network.Initialize(5);
        var skipping = ZeroSkippingInference.For(network)!;
        bool dotOrder = GemmDriver.DefaultKind == GemmKernelKind.Vector512
                        && rows <= GemmDriver.DotMaxRows;
        int limit = (int)(ZeroSkippingInference.MaxNonZeroFraction(rows, dotOrder) * rows * inputs);
        var features = new float[rows * inputs];
        // The non-zeros fill the first rows, so that the last rows are all zeros: the share counts over the block.
        for (int i = 0; i < limit; i++) features[i] = 1f + i % 7;

        Assert.True(TakesThePath(network, skipping, features, rows));
        features[limit] = 2f;
        Assert.False(TakesThePath(network, skipping, features, rows));
    }

    [Fact]
    public void AFirstLayerWithANonFiniteWeightKeepsTheDenseProduct()
    {
        // 0·NaN is NaN: a skipped zero would hide the weight the dense product meets.
        var network = new Network(64, new DenseLayer(4, Activation.Identity));
        network.Initialize(1);
        var parameters = network.Parameters.ToArray();
        parameters[5] = float.NaN;
        network.SetParameters(parameters, network.State.Span);
        var skipping = ZeroSkippingInference.For(network)!;
        var features = new float[64];
        features[10] = 1f;

        Assert.False(TakesThePath(network, skipping, features, 1));

        var dense = new float[4];
        var viaSkipping = new float[4];
        network.Predict(features, dense, 1);
        network.PredictSkippingZeros(features, viaSkipping, 1, 1, skipping);
        AssertBitIdentical(dense, viaSkipping);
        Assert.True(float.IsNaN(viaSkipping[0]));
    }

    [Fact]
    public void ScoringDenseRowsMakesNoZeroSkippingBuffers()
    {
        var network = new Network(50, new DenseLayer(4, Activation.Relu));
        network.Initialize(1);
        var skipping = ZeroSkippingInference.For(network)!;
        var features = MostlyZeros(new Random(3), 20, 50, density: 0.8);
        ZeroSkippingInference.Scratch? scratch = null;

        Assert.False(skipping.TryForward(features, 20, new float[80], new float[80], ref scratch));
        Assert.Null(scratch);
    }

    [Fact]
    public void NetworksWithFewInputsOrAnotherFirstLayerDoNotSkipZeros()
    {
        Assert.Null(ZeroSkippingInference.For(new Network(ZeroSkipping.MinFeatures - 1, new DenseLayer(4, Activation.Relu))));
        Assert.Null(ZeroSkippingInference.For(new Network(100, new BatchNormLayer(), new DenseLayer(4, Activation.Relu))));
    }

    [Fact]
    public void AZeroSkippingMadeForAnotherNetworkIsRefused()
    {
        var network = new Network(50, new DenseLayer(4, Activation.Relu));
        var other = new Network(50, new DenseLayer(4, Activation.Relu));
        var features = new float[50];

        Assert.Throws<ArgumentException>(() => network.PredictSkippingZeros(features, new float[4], 1, 1, ZeroSkippingInference.For(other)));
    }

    // Runs the first layer alone through the skipping path; true when it took it.
    private static bool TakesThePath(Network network, ZeroSkippingInference skipping, float[] features, int rows)
    {
        var layer = network.Layers[0];
        var z = new float[rows * layer.OutputSize];
        var output = new float[rows * layer.OutputSize];
        ZeroSkippingInference.Scratch? scratch = null;
        return skipping.TryForward(features, rows, z, output, ref scratch);
    }

    // Rows with about `density` non-zeros (both signs of zero elsewhere), one all-zero row and, in taller blocks, one
    // row dense in its first half (a block's budget is over all its rows, not each).
    private static float[] MostlyZeros(Random random, int rows, int inputs, double density)
    {
        var features = new float[rows * inputs];
        for (int i = 0; i < features.Length; i++)
            features[i] = random.NextDouble() < density ? (float)(random.NextDouble() * 2 - 0.5) : random.Next(2) == 0 ? 0f : -0f;
        if (rows > 2) Array.Clear(features, inputs, inputs);
        if (rows > 8 && density < 0.3)
            for (int j = 0; j < inputs / 2; j++) features[2 * inputs + j] = (float)random.NextDouble() + 0.1f;
        return features;
    }

    private static void AssertBitIdentical(float[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"Output {i}: dense {expected[i]:R}, zero skipping {actual[i]:R}.");
    }
}
