using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Optimizers.Kernels;
using MLNet.Mlp.Tests.Optimizers;
using MLNet.Mlp.Training;
using static MLNet.Mlp.Tests.Training.TrainingFixtures;

namespace MLNet.Mlp.Tests.Training;

/// <summary>
/// Determinism on a network large enough that the work really is split: the first two dense layers' products (forward,
/// weight gradient and input gradient) reach <see cref="DenseLayer.SharedMinMacs"/>, and the parameter buffer reaches
/// <see cref="ChunkedUpdate{TUpdate}.MinParallelLength"/>, so the optimizers' fused updates are chunked too. Training
/// with 1, 2 and 3 threads must give the same bits. The chunk counts follow the thread count even on a one-core host
/// (the chunks then run one after another on the calling thread), so a result that depends on how the work is cut
/// fails here everywhere; on two cores the helper really computes some of the chunks.
/// </summary>
public class ParallelDeterminismTests
{
    private const int Features = 128, Hidden1 = 192, Hidden2 = 64, Classes = 10, Batch = 128, Rows = 3 * Batch;

    private static TrainingData Data()
    {
        var random = new Random(17);
        var x = new float[Rows * Features];
        var y = new float[Rows];
        for (int r = 0; r < Rows; r++)
        {
            for (int j = 0; j < Features; j++) x[r * Features + j] = 2 * random.NextSingle() - 1;
            y[r] = r % Classes;
            x[r * Features + r % Classes] += 2f;   // a learnable signal in the first ten features
        }
        return new TrainingData(x, Features, y, 1);
    }

    private static Network WideNetwork()
    {
        var net = new Network(Features, new DenseLayer(Hidden1, Activation.Relu), new BatchNormLayer(), new DropoutLayer(0.1f),
            new DenseLayer(Hidden2, Activation.Tanh), new DenseLayer(Classes, Activation.Softmax));
        net.Initialize(23);
        return net;
    }

    private static GradientTransformationChain CreateOptimizer(string name) => name switch
    {
        "Adam" => new AdamOptimizer(),
        "AMSGrad" => new AdamOptimizer(beta2: 0.9f, amsgrad: true),
        "AdamW" => new AdamWOptimizer(weightDecay: 0.1f),
        "SGD Nesterov weightDecay" => new SgdOptimizer(0.9f, 0f, true, 1e-3f),
        "RMSProp centered momentum" => new RmsPropOptimizer(0.9f, 1e-6f, 0.5f, true, 1e-3f),
        "Adagrad" => new AdagradOptimizer(),
        "Chain: WeightDecay → ScaleByAdam → user Identity → ScaleByLearningRate" => new GradientTransformationChain("user",
            [new WeightDecay(0.1f), new ScaleByAdam(), new UserLinks.Identity(), new ScaleByLearningRate()]),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static TrainingState Train(string optimizer, int maxThreads)
    {
        var state = new TrainingState(WideNetwork());
        NetworkTrainer.Fit(state, Data(), null, new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), Optimizer = CreateOptimizer(optimizer), LearningRate = 0.01f, Epochs = 3, BatchSize = Batch,
            Shuffle = true, Seed = 3, MaxThreads = maxThreads,
        });
        return state;
    }

    [Fact]
    public void TheNetworkIsLargeEnoughThatTheProductsAndTheUpdatesAreSplit()
    {
        // Forward X·Wᵀ is rows × units × inputs; the weight gradient units × inputs × rows; the input gradient rows × inputs × units:
        // the same count for each of the first two dense layers.
        Assert.True((long)Batch * Hidden1 * Features >= DenseLayer.SharedMinMacs);
        Assert.True((long)Batch * Hidden2 * Hidden1 >= DenseLayer.SharedMinMacs);
        Assert.True(WideNetwork().ParameterCount >= ChunkedUpdate<AdamKernel.PlainUpdate>.MinParallelLength);
    }

    [Theory]
    [InlineData("Adam")]
    [InlineData("AMSGrad")]
    [InlineData("AdamW")]
    [InlineData("SGD Nesterov weightDecay")]
    [InlineData("RMSProp centered momentum")]
    [InlineData("Adagrad")]
    [InlineData("Chain: WeightDecay → ScaleByAdam → user Identity → ScaleByLearningRate")]
    public void OneTwoAndThreeThreadsTrainAWideNetworkToBitIdenticalParametersAndOptimizerState(string optimizer)
    {
        var one = Train(optimizer, 1);
        Assert.True(AllFinite(one.Network.Parameters.Span));
        foreach (int threads in new[] { 2, 3 })
        {
            var many = Train(optimizer, threads);
            Assert.True(BitIdentical(one.Network.Parameters.Span, many.Network.Parameters.Span), $"parameters differ with {threads} threads");
            Assert.True(BitIdentical(one.Network.State.Span, many.Network.State.Span), $"batch-norm statistics differ with {threads} threads");
            for (int b = 0; b < one.OptimizerState!.BufferCount; b++)
                Assert.True(BitIdentical(one.OptimizerState.Buffer(b), many.OptimizerState!.Buffer(b)), $"optimizer buffer {b} differs with {threads} threads");
        }
    }
}
