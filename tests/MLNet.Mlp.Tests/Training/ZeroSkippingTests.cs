using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Tests.GradientChecking;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Training;

/// <summary>
/// Dense rows that are mostly zeros (<see cref="ZeroSkipping"/>): gathered without their zeros, trained through the
/// sparse first-layer passes with the input offset folded into the bias and the weight gradient, against the dense
/// products on the centered rows, finite differences and every thread count.
/// </summary>
public class ZeroSkippingTests
{
    private const int Features = 70, Rows = 40, Classes = 3;

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 1)]
    [InlineData(8, 1)]
    [InlineData(70, 1)]
    [InlineData(3000, 1)]
    [InlineData(3000, 2)]
    [InlineData(3001, 2)]
    public void DenseRowsGatheredWithoutTheirZerosHoldEveryNonZeroByRowAndByColumn(int width, int maxThreads)
    {
        var random = new Random(width);
        var features = new float[30 * width];
        for (int i = 0; i < features.Length; i++)
            features[i] = random.NextDouble() < 0.7 ? (random.Next(2) == 0 ? 0f : -0f) : (float)random.NextDouble() - 0.5f;
        Array.Clear(features, 3 * width, width); // an all-zero row
        int[] order = [5, 3, 17, 0, 29, 11];
        var batch = SparseBatch.ForDenseRows(width, order.Length);

        batch.GatherNonZeros(features, order, 0, order.Length, maxThreads);

        Assert.Equal(order.Length, batch.Rows);
        var byColumn = new List<(int Row, float Value)>[width];
        for (int c = 0; c < width; c++) byColumn[c] = [];
        int k = 0;
        for (int r = 0; r < order.Length; r++)
        {
            Assert.Equal(k, batch.RowStarts[r]);
            for (int c = 0; c < width; c++)
            {
                float v = features[order[r] * width + c];
                if (v == 0f) continue;
                Assert.Equal(c, batch.Indices[k]);
                Assert.Equal(v, batch.Values[k]);
                byColumn[c].Add((r, v));
                k++;
            }
        }
        Assert.Equal(k, batch.NonZeroCount);
        Assert.Equal(width, batch.TouchedCount);
        for (int c = 0; c < width; c++)
        {
            Assert.Equal(c, batch.Touched[c]);
            var entries = Enumerable.Range(batch.ColumnStarts[c], batch.ColumnStarts[c + 1] - batch.ColumnStarts[c])
                .Select(e => (batch.ColumnRows[e], batch.ColumnValues[e])).ToList();
            Assert.Equal(byColumn[c], entries);
        }
    }

    [Fact]
    public void SkippingTheZerosWithAnInputOffsetGivesTheOutputsAndGradientsOfTheCenteredDenseRows()
    {
        var (features, targets, offset) = Data(seed: 1);
        var centered = Centered(features, offset);
        foreach (bool hidden in new[] { true, false })
        {
            var skipping = NewNetwork(hidden);
            var first = (DenseLayer)skipping.Layers[0];
            first.SetInputMajor(true, null);
            var skippingStep = new TrainingStep(skipping, Rows);
            var batch = SparseBatch.ForDenseRows(Features, Rows, offset);
            batch.GatherNonZeros(features, Enumerable.Range(0, Rows).ToArray(), 0, Rows);
            skippingStep.SparseInput = batch;
            var denseStep = new TrainingStep(NewNetwork(hidden), Rows);

            skippingStep.ForwardInputBuffer(Rows);
            var denseOutput = denseStep.Forward(centered).ToArray();
            FiniteDifference.AssertClose(denseOutput.Select(v => (double)v).ToArray(), skippingStep.Output, "outputs");

            var loss = new CategoricalCrossEntropyLoss();
            Assert.Equal(denseStep.Backward(targets, loss), skippingStep.Backward(targets, loss), 4);
            var expected = denseStep.Network.Gradients.ToArray();
            // The skipping layer holds W and its gradient input-major: compare them in the documented layout.
            var actual = skipping.Gradients.ToArray();
            int units = first.Units;
            var transposed = new float[units * Features];
            for (int j = 0; j < Features; j++)
                for (int u = 0; u < units; u++) transposed[u * Features + j] = actual[j * units + u];
            transposed.CopyTo(actual, 0);
            FiniteDifference.AssertClose(expected.Select(v => (double)v).ToArray(), actual, hidden ? "gradients with a hidden layer" : "gradients of a single layer");
        }
    }

    [Fact]
    public void TheFirstLayerGradientWithSkippedZerosAndAnInputOffsetMatchesFiniteDifferences()
    {
        var (features, targets, offset) = Data(seed: 2);
        var network = NewNetwork(hidden: true);
        ((DenseLayer)network.Layers[0]).SetInputMajor(true, null);
        var step = new TrainingStep(network, Rows);
        var batch = SparseBatch.ForDenseRows(Features, Rows, offset);
        batch.GatherNonZeros(features, Enumerable.Range(0, Rows).ToArray(), 0, Rows);
        step.SparseInput = batch;
        var loss = new CategoricalCrossEntropyLoss();

        double Objective()
        {
            step.ForwardInputBuffer(Rows);
            return step.Backward(targets, loss) / Rows;
        }
        // Every weight and bias of the first layer, also of columns that are zero in every row (only the offset reaches them).
        int count = 8 * Features + 8;
        var numeric = FiniteDifference.Gradient(network.ParameterArray, 0, count, Objective);
        Objective();
        FiniteDifference.AssertClose(numeric, network.Gradients.Span[..count], "first-layer weights and bias");
    }

    [Fact]
    public void FitSkipsTheZerosOfMostlyZeroRowsAndTrainsAsTheDenseProductsDo()
    {
        var (features, targets, offset) = Data(seed: 3, rows: 512);
        var sparseData = new TrainingData(features, Features, targets, 1) { InputOffset = offset };
        var denseData = new TrainingData(Centered(features, offset), Features, targets, 1);
        var options = Options(epochs: 2);
        Assert.True(ZeroSkipping.Applies(NewNetwork(true), sparseData, options.BatchSize));
        Assert.False(ZeroSkipping.Applies(NewNetwork(true), denseData, options.BatchSize));

        var skipping = NewNetwork(true);
        var skippingResult = NetworkTrainer.Fit(skipping, sparseData, null, options);
        var dense = NewNetwork(true);
        var denseResult = NetworkTrainer.Fit(dense, denseData, null, options);

        // The same steps in another summation order: the weights agree to float rounding, grown over 8 Adam steps.
        Assert.False(((DenseLayer)skipping.Layers[0]).InputMajor);
        var a = skipping.Parameters.ToArray();
        var b = dense.Parameters.ToArray();
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 1e-4 + 1e-3 * Math.Abs(b[i]), $"parameter {i}: {a[i]} vs {b[i]}");
        Assert.Equal(denseResult.History[^1].TrainingLoss, skippingResult.History[^1].TrainingLoss, 4);
        // Validation rows with the offset are scored centered, as the training rows are.
        Assert.Equal(NetworkTrainer.EvaluateLoss(dense, denseData, new CategoricalCrossEntropyLoss()),
            NetworkTrainer.EvaluateLoss(skipping, sparseData, new CategoricalCrossEntropyLoss()), 4);
    }

    [Fact]
    public void FitWithSkippedZerosGivesTheSameWeightsOnOneAndTwoThreads()
    {
        var (features, targets, offset) = Data(seed: 4, rows: 512);
        var data = new TrainingData(features, Features, targets, 1) { InputOffset = offset };
        var one = NewNetwork(true);
        NetworkTrainer.Fit(one, data, null, Options(epochs: 2, maxThreads: 1));
        var two = NewNetwork(true);
        NetworkTrainer.Fit(two, data, null, Options(epochs: 2, maxThreads: 2));
        Assert.Equal(one.Parameters.ToArray(), two.Parameters.ToArray());
    }

    [Fact]
    public void SmallBatchesAndRowsWithFewZerosKeepTheDenseProducts()
    {
        var (features, targets, _) = Data(seed: 5, rows: 512);
        var sparse = new TrainingData(features, Features, targets, 1);
        Assert.True(ZeroSkipping.Suits(sparse, ZeroSkipping.MinBatchRows, withOffset: false));
        Assert.False(ZeroSkipping.Suits(sparse, ZeroSkipping.MinBatchRows - 1, withOffset: false));
        Assert.True(ZeroSkipping.Suits(sparse, ZeroSkipping.MinBatchRowsWithOffset, withOffset: true));
        Assert.False(ZeroSkipping.Suits(sparse, ZeroSkipping.MinBatchRowsWithOffset - 1, withOffset: true));
        var withOffset = new TrainingData(features, Features, targets, 1) { InputOffset = new float[Features] };
        Assert.False(ZeroSkipping.Applies(NewNetwork(true), withOffset, ZeroSkipping.MinBatchRowsWithOffset - 1));
        var full = new TrainingData(features.Select(v => v == 0f ? 0.5f : v).ToArray(), Features, targets, 1);
        Assert.False(ZeroSkipping.Suits(full, 256, withOffset: false));
        // A first layer that is not dense reads the rows as they are.
        var startsWithDropout = new Network(Features, new DropoutLayer(0.1f), new DenseLayer(Classes, Activation.Softmax));
        Assert.False(ZeroSkipping.Applies(startsWithDropout, sparse, 256));
    }

    [Fact]
    public void AnInputOffsetMustBeFiniteOneValuePerFeatureAndOnlyOnDenseRows()
    {
        var data = new TrainingData(new float[2 * Features], Features, new float[2], 1);
        Assert.Throws<ArgumentException>(() => data.InputOffset = new float[Features - 1]);
        var nonFinite = new float[Features];
        nonFinite[3] = float.NaN;
        Assert.Contains("Offset 3", Assert.Throws<ArgumentException>(() => data.InputOffset = nonFinite).Message);
        var sparse = new TrainingData(new SparseRows(Features, [0, 0], [], []), new float[1], 1);
        Assert.Throws<ArgumentException>(() => sparse.InputOffset = new float[Features]);
    }

    private static TrainingOptions Options(int epochs, int? maxThreads = null) => new()
    {
        MaxThreads = maxThreads,
        Loss = new CategoricalCrossEntropyLoss(),
        Optimizer = new AdamOptimizer(),
        LearningRate = 0.01f,
        Epochs = epochs,
        BatchSize = 128,
        Seed = 7,
    };

    private static Network NewNetwork(bool hidden)
    {
        var network = hidden
            ? new Network(Features, new DenseLayer(8, Activation.Tanh), new DenseLayer(Classes, Activation.Softmax))
            : new Network(Features, new DenseLayer(Classes, Activation.Softmax));
        network.Initialize(11);
        return network;
    }

    // Rows about 85 % zeros (no column is ever non-zero in column 0), class targets, and an offset as a centering gives.
    private static (float[] Features, float[] Targets, float[] Offset) Data(int seed, int rows = Rows)
    {
        var random = new Random(seed);
        var features = new float[rows * Features];
        for (int i = 0; i < features.Length; i++)
            if (i % Features != 0 && random.NextDouble() < 0.15) features[i] = (float)(random.NextDouble() * 2);
        var targets = new float[rows];
        for (int r = 0; r < rows; r++) targets[r] = random.Next(Classes);
        var offset = new float[Features];
        for (int j = 0; j < Features; j++) offset[j] = (float)(random.NextDouble() * 0.6 - 0.1);
        return (features, targets, offset);
    }

    private static float[] Centered(float[] features, float[] offset)
    {
        var centered = (float[])features.Clone();
        for (int i = 0; i < centered.Length; i++) centered[i] -= offset[i % Features];
        return centered;
    }
}
