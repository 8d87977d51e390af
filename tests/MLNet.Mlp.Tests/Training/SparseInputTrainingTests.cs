using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Tests.GradientChecking;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Training;

/// <summary>
/// Sparse feature rows (CSR) trained without densifying: the first layer's sparse forward and gradient scatter against
/// the dense layer and finite differences, and the lazy optimizer step against a dense reference.
/// </summary>
public class SparseInputTrainingTests
{
    private const int Features = 60, Rows = 24, Classes = 3;

    [Fact]
    public void SparseForwardAndGradientsEqualTheDenseLayerOnTheSameRowsUpToSummationOrder()
    {
        var (sparse, dense, targets) = Data(seed: 1);
        foreach (bool hidden in new[] { true, false })
        {
            var (sparseStep, denseStep) = (new TrainingStep(NewNetwork(hidden), Rows), new TrainingStep(NewNetwork(hidden), Rows));
            var batch = new SparseBatch(Features, Rows, SparseBatch.MaxNonZeros(sparse, Rows));
            batch.Gather(sparse, Enumerable.Range(0, Rows).ToArray());
            sparseStep.SparseInput = batch;

            sparseStep.ForwardInputBuffer(Rows);
            var denseOutput = denseStep.Forward(dense).ToArray();
            FiniteDifference.AssertClose(denseOutput.Select(v => (double)v).ToArray(), sparseStep.Output, "outputs");

            var loss = new CategoricalCrossEntropyLoss();
            double sparseLoss = sparseStep.Backward(targets, loss), denseLoss = denseStep.Backward(targets, loss);
            Assert.Equal(denseLoss, sparseLoss, 4);
            var expected = denseStep.Network.Gradients.ToArray().Select(v => (double)v).ToArray();
            FiniteDifference.AssertClose(expected, sparseStep.Network.Gradients.Span, hidden ? "gradients with a hidden layer" : "gradients of a single layer");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SparseFirstLayerGradientMatchesFiniteDifferences(bool inputMajor)
    {
        var (sparse, _, targets) = Data(seed: 2);
        var network = NewNetwork(hidden: true);
        // Input-major, the weights and their gradient are both [features × units]: perturbing one entry still shows its own gradient.
        if (inputMajor) ((DenseLayer)network.Layers[0]).SetInputMajor(true, null);
        var step = new TrainingStep(network, Rows);
        var batch = new SparseBatch(Features, Rows, SparseBatch.MaxNonZeros(sparse, Rows));
        batch.Gather(sparse, Enumerable.Range(0, Rows).ToArray());
        step.SparseInput = batch;
        var loss = new CategoricalCrossEntropyLoss();

        double Objective()
        {
            step.ForwardInputBuffer(Rows);
            return step.Backward(targets, loss) / Rows;
        }
        // Every weight of the first layer, of touched and untouched columns.
        var numeric = FiniteDifference.Gradient(network.ParameterArray, 0, 8 * Features, Objective);
        Objective();
        FiniteDifference.AssertClose(numeric, network.Gradients.Span[..(8 * Features)], "first-layer weight gradient");
    }

    [Fact]
    public void LazySgdWithoutMomentumOrDecayIsTheDenseStepBitForBit()
    {
        var (sparse, _, targets) = Data(seed: 3);
        var lazy = Train(sparse, targets, new SgdOptimizer(), SparseUpdateMode.Lazy, epochs: 3);
        var dense = Train(sparse, targets, new SgdOptimizer(), SparseUpdateMode.Dense, epochs: 3);
        Assert.Equal(dense.Parameters.ToArray(), lazy.Parameters.ToArray());
    }

    [Fact]
    public void LazyAdamLeavesUntouchedColumnsAsTheyWereAndDiffersFromDenseAdam()
    {
        var (sparse, _, targets) = Data(seed: 4);
        var lazy = Train(sparse, targets, new AdamOptimizer(), SparseUpdateMode.Lazy, epochs: 2);
        var dense = Train(sparse, targets, new AdamOptimizer(), SparseUpdateMode.Dense, epochs: 2);
        // Dense Adam keeps moving a column its moments remember after the batches that touch it; lazy Adam does not.
        Assert.NotEqual(dense.Parameters.ToArray(), lazy.Parameters.ToArray());
        var never = NeverTouchedColumn(sparse);
        var initial = NewNetwork(hidden: true);
        for (int u = 0; u < 8; u++)
            Assert.Equal(initial.Parameters.Span[u * Features + never], lazy.Parameters.Span[u * Features + never]);
    }

    [Theory]
    [InlineData("Adam", 4096)]
    [InlineData("AdamW", 4096)]
    [InlineData("Momentum", 4096)]
    [InlineData("RmsProp", 4096)]
    [InlineData("Adam", 8)]
    [InlineData("AdamW", 8)]
    [InlineData("Momentum", 8)]
    [InlineData("RmsProp", 8)]
    public void LazyStepEqualsADenseStepWithTheUntouchedColumnsHeldBack(string name, int chunkRows)
    {
        IOptimizer Optimizer() => name switch
        {
            "Adam" => new AdamOptimizer(),
            "AdamW" => new AdamWOptimizer(weightDecay: 0.1f),
            "Momentum" => new SgdOptimizer(momentum: 0.9f),
            _ => new RmsPropOptimizer(),
        };
        var (sparse, _, targets) = Data(seed: 5);
        var lazyNet = NewNetwork(hidden: true);
        var referenceNet = NewNetwork(hidden: true);
        var optimizer = Optimizer();
        var lazyState = optimizer.CreateState(lazyNet.ParameterCount);
        var referenceState = optimizer.CreateState(referenceNet.ParameterCount);
        var lazyStep = new TrainingStep(lazyNet, 8);
        var referenceStep = new TrainingStep(referenceNet, 8);
        var batch = new SparseBatch(Features, 8, SparseBatch.MaxNonZeros(sparse, 8));
        var referenceBatch = new SparseBatch(Features, 8, SparseBatch.MaxNonZeros(sparse, 8));
        lazyStep.SparseInput = batch;
        referenceStep.SparseInput = referenceBatch;
        var lazyFirst = (DenseLayer)lazyNet.Layers[0];
        lazyFirst.SetInputMajor(true, lazyState);
        // Chunks of 8 rows: every batch's touched columns are updated in several chunks, the last one padded.
        var lazy = new LazyFirstLayerUpdate(lazyNet, optimizer, batch.MaxTouched, chunkRows);
        var loss = new CategoricalCrossEntropyLoss();

        for (int start = 0; start < Rows; start += 8)
        {
            var order = Enumerable.Range(start, 8).ToArray();
            var batchTargets = targets.AsSpan(start, 8);
            batch.Gather(sparse, order);
            lazyStep.ForwardInputBuffer(8);
            lazyStep.Backward(batchTargets, loss);
            lazyStep.UpdateLazily(lazy, optimizer, lazyState, 0.01f);

            referenceBatch.Gather(sparse, order);
            referenceStep.ForwardInputBuffer(8);
            referenceStep.Backward(batchTargets, loss);
            var touched = referenceBatch.Touched.AsSpan(0, referenceBatch.TouchedCount).ToArray();
            var parametersBefore = referenceNet.Parameters.ToArray();
            var stateBefore = Enumerable.Range(0, referenceState.BufferCount).Select(b => referenceState.Buffer(b).ToArray()).ToArray();
            referenceStep.Update(optimizer, referenceState, 0.01f);
            // Hold back the untouched columns of the first layer: their weights and state as before the step.
            var parameters = referenceNet.ParameterArray;
            for (int u = 0; u < 8; u++)
                for (int j = 0; j < Features; j++)
                {
                    if (Array.BinarySearch(touched, j) >= 0) continue;
                    parameters[u * Features + j] = parametersBefore[u * Features + j];
                    for (int b = 0; b < referenceState.BufferCount; b++) referenceState.Buffer(b)[u * Features + j] = stateBefore[b][u * Features + j];
                }
            Assert.Equal(referenceNet.Parameters.ToArray(), lazyNet.Parameters.ToArray());
        }
        lazyFirst.SetInputMajor(false, lazyState);
        for (int b = 0; b < lazyState.BufferCount; b++) Assert.Equal(referenceState.Buffer(b).ToArray(), lazyState.Buffer(b).ToArray());
    }

    [Fact]
    public void SparseTrainingRunsTheFullTrainerWithValidationAndAGradientTransform()
    {
        var (sparse, dense, targets) = Data(seed: 6);
        var training = new TrainingData(sparse, targets, 1);
        var validation = new TrainingData(sparse.Take(Enumerable.Range(0, 10).ToArray()), targets[..10], 1);
        var network = NewNetwork(hidden: true);
        var result = NetworkTrainer.Fit(network, training, validation, new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), Optimizer = new AdamOptimizer(), LearningRate = 0.01f, Epochs = 3, BatchSize = 8,
            GradientTransforms = [new L2Regularization(0.01f)],
        });
        Assert.Equal(3, result.History.Count);
        // Validation on sparse rows gives what the dense rows give.
        double sparseLoss = NetworkTrainer.EvaluateLoss(network, validation, new CategoricalCrossEntropyLoss());
        double denseLoss = NetworkTrainer.EvaluateLoss(network, new TrainingData(dense[..(10 * Features)], Features, targets[..10], 1), new CategoricalCrossEntropyLoss());
        Assert.Equal(denseLoss, sparseLoss, 5);
    }

    [Fact]
    public void ALazyStepThatWouldOverflowDivergesLeavingTheLastFiniteStepsWeights()
    {
        var (sparse, _, targets) = Data(seed: 7);
        var network = NewNetwork(hidden: true);
        var options = new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), Optimizer = new SgdOptimizer(), LearningRate = 1e38f, Epochs = 3, BatchSize = 8,
        };
        var e = Assert.Throws<TrainingDivergedException>(() => NetworkTrainer.Fit(network, new TrainingData(sparse, targets, 1), null, options));
        Assert.Null(e.RestoredToEpoch);
        Assert.False(((DenseLayer)network.Layers[0]).InputMajor);
        Assert.Equal(-1, MLNet.Mlp.Numerics.Elementwise.FiniteCheck.IndexOfNonFinite(network.Parameters.Span));
    }

    [Fact]
    public void InputMajorSparsePassesEqualTheUnitMajorOnesBitForBit()
    {
        var (sparse, _, targets) = Data(seed: 8);
        var (unitStep, inputStep) = (new TrainingStep(NewNetwork(hidden: true), Rows), new TrainingStep(NewNetwork(hidden: true), Rows));
        var first = (DenseLayer)inputStep.Network.Layers[0];
        first.SetInputMajor(true, null);
        var loss = new CategoricalCrossEntropyLoss();
        foreach (var step in new[] { unitStep, inputStep })
        {
            var batch = new SparseBatch(Features, Rows, SparseBatch.MaxNonZeros(sparse, Rows));
            batch.Gather(sparse, Enumerable.Range(0, Rows).ToArray());
            step.SparseInput = batch;
            // Twice, so that the second backward pass clears the columns the first one wrote.
            for (int pass = 0; pass < 2; pass++)
            {
                step.ForwardInputBuffer(Rows);
                step.Backward(targets, loss);
            }
        }
        Assert.Equal(unitStep.Output.ToArray(), inputStep.Output.ToArray());
        var gradients = inputStep.Network.Gradients.ToArray();
        var firstBlock = new float[8 * Features];
        MLNet.Mlp.Numerics.MatrixTranspose.Transpose(gradients.AsSpan(0, firstBlock.Length), Features, 8, firstBlock);
        firstBlock.CopyTo(gradients, 0);
        Assert.Equal(unitStep.Network.Gradients.ToArray(), gradients);
    }

    [Fact]
    public void HoldingTheFirstLayerInputMajorShowsTheDocumentedLayoutAndGoesBackExactly()
    {
        var network = NewNetwork(hidden: true);
        var first = (DenseLayer)network.Layers[0];
        var optimizer = new AdamOptimizer();
        var state = optimizer.CreateState(network.ParameterCount);
        var random = new Random(9);
        for (int b = 0; b < state.BufferCount; b++)
            for (int i = 0; i < network.ParameterCount; i++) state.Buffer(b)[i] = (float)random.NextDouble();
        var parameters = network.Parameters.ToArray();
        var weights = first.Weights.ToArray();
        var buffers = Enumerable.Range(0, state.BufferCount).Select(b => state.Buffer(b).ToArray()).ToArray();
        var input = Enumerable.Range(0, 2 * Features).Select(i => (float)Math.Sin(i)).ToArray();
        var expected = new float[2 * Classes];
        network.Predict(input, expected, 2);

        first.SetInputMajor(true, state);
        Assert.True(first.InputMajor);
        Assert.Equal(weights, first.Weights.ToArray());
        Assert.Equal(parameters, network.Parameters.ToArray());
        Assert.NotEqual(buffers[0], state.Buffer(0).ToArray());
        // Dense rows through the input-major layer: the same products with the other operand transposed.
        var outputs = new float[2 * Classes];
        network.Predict(input, outputs, 2);
        FiniteDifference.AssertClose(expected.Select(v => (double)v).ToArray(), outputs, "dense forward while input-major");

        first.SetInputMajor(false, state);
        Assert.False(first.InputMajor);
        Assert.Equal(parameters, network.Parameters.ToArray());
        for (int b = 0; b < state.BufferCount; b++) Assert.Equal(buffers[b], state.Buffer(b).ToArray());
    }

    [Fact]
    public void FitOnSparseRowsGivesTheFirstLayerBackInItsDocumentedLayoutAndMatchesTheSameRowsDense()
    {
        var (sparse, dense, targets) = Data(seed: 10);
        var sparseNet = Train(sparse, targets, new SgdOptimizer(), SparseUpdateMode.Lazy, epochs: 2);
        Assert.False(((DenseLayer)sparseNet.Layers[0]).InputMajor);
        var denseNet = NewNetwork(hidden: true);
        NetworkTrainer.Fit(denseNet, new TrainingData(dense, Features, targets, 1), null, new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), Optimizer = new SgdOptimizer(), LearningRate = 0.05f, Epochs = 2, BatchSize = 8, MaxThreads = 1,
        });
        FiniteDifference.AssertClose(denseNet.Parameters.ToArray().Select(v => (double)v).ToArray(), sparseNet.Parameters.Span, "weights trained on sparse and dense rows");
    }

    [Fact]
    public void SparseTrainingGivesTheSameWeightsOnOneAndOnTwoThreads()
    {
        // 128 units and batches of 32 rows with 300 non-zeros each: large enough for the passes to be shared.
        const int features = 5000, rows = 96;
        var random = new Random(12);
        var starts = new List<int> { 0 };
        var indices = new List<int>();
        var values = new List<float>();
        var targets = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            var columns = new SortedSet<int>();
            while (columns.Count < 300) columns.Add(random.Next(features));
            foreach (int c in columns)
            {
                indices.Add(c);
                values.Add((float)(random.NextDouble() * 2 - 1));
            }
            starts.Add(indices.Count);
            targets[r] = random.Next(Classes);
        }
        var data = new TrainingData(new SparseRows(features, [.. starts], [.. indices], [.. values]), targets, 1);
        var validation = new TrainingData(data.SparseFeatures!.Take(Enumerable.Range(0, 40).ToArray()), targets[..40], 1);
        float[] Weights(int threads)
        {
            var network = new Network(features, new DenseLayer(128, Activation.Relu), new DenseLayer(Classes, Activation.Softmax));
            network.Initialize(3);
            NetworkTrainer.Fit(network, data, validation, new TrainingOptions
            {
                Loss = new CategoricalCrossEntropyLoss(), Optimizer = new AdamOptimizer(), LearningRate = 0.01f, Epochs = 3, BatchSize = 32, MaxThreads = threads,
            });
            return network.Parameters.ToArray();
        }
        Assert.Equal(Weights(1), Weights(2));
    }

    private static Network Train(SparseRows sparse, float[] targets, IOptimizer optimizer, SparseUpdateMode mode, int epochs)
    {
        var network = NewNetwork(hidden: true);
        NetworkTrainer.Fit(network, new TrainingData(sparse, targets, 1), null, new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), Optimizer = optimizer, LearningRate = 0.05f, Epochs = epochs, BatchSize = 8,
            SparseUpdates = mode, MaxThreads = 1,
        });
        return network;
    }

    private static Network NewNetwork(bool hidden)
    {
        var network = hidden
            ? new Network(Features, new DenseLayer(8, Activation.Relu), new DenseLayer(Classes, Activation.Softmax))
            : new Network(Features, new DenseLayer(Classes, Activation.Softmax));
        network.Initialize(7);
        return network;
    }

    private static int NeverTouchedColumn(SparseRows sparse)
    {
        for (int j = 0; j < Features; j++)
            if (!sparse.Indices.Contains(j)) return j;
        throw new InvalidOperationException("Every column is touched.");
    }

    // Rows with about one feature in eight set; column 0 is never set, so some weights are never touched.
    private static (SparseRows Sparse, float[] Dense, float[] Targets) Data(int seed)
    {
        var random = new Random(seed);
        var dense = new float[Rows * Features];
        var starts = new List<int> { 0 };
        var indices = new List<int>();
        var values = new List<float>();
        var targets = new float[Rows];
        for (int r = 0; r < Rows; r++)
        {
            for (int j = 1; j < Features; j++)
            {
                if (random.NextDouble() > 0.125) continue;
                float v = (float)(random.NextDouble() * 2 - 1);
                dense[r * Features + j] = v;
                indices.Add(j);
                values.Add(v);
            }
            starts.Add(indices.Count);
            targets[r] = random.Next(Classes);
        }
        return (new SparseRows(Features, [.. starts], [.. indices], [.. values]), dense, targets);
    }
}
