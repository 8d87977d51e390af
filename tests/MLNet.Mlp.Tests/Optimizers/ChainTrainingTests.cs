using MLNet.Mlp.Losses;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Training;
using static MLNet.Mlp.Tests.Training.TrainingFixtures;

namespace MLNet.Mlp.Tests.Optimizers;

/// <summary>A chain of links, built-in or a user's, trains through <see cref="NetworkTrainer"/> like a built-in optimizer.</summary>
public class ChainTrainingTests
{
    private static float[] TrainedWeights(IOptimizer optimizer, IReadOnlyList<IGradientTransform>? transforms = null, int maxThreads = 1)
    {
        var net = ClassificationNetwork(3);
        NetworkTrainer.Fit(net, Classification(200, 4), null, new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), Optimizer = optimizer, GradientTransforms = transforms ?? [],
            LearningRate = 0.01f, Epochs = 3, BatchSize = 16, Seed = 2, MaxThreads = maxThreads,
        });
        return net.ParameterArray.ToArray();
    }

    [Fact]
    public void ChainsOfLinks_TrainExactlyLikeTheNamedOptimizers()
    {
        float[] adamW = TrainedWeights(new AdamWOptimizer(weightDecay: 0.1f), [new ClipByValue(0.5f)]);
        var links = new GradientTransformationChain("Mine", [new ClipByValue(0.5f), new WeightDecay(0.1f), new ScaleByAdam(), new ScaleByLearningRate()]);
        Assert.True(BitIdentical(adamW, TrainedWeights(links)));
        Assert.True(BitIdentical(adamW, TrainedWeights(links.WithoutFusion(), maxThreads: 2)));
        Assert.True(BitIdentical(adamW, TrainedWeights(GradientTransformationChain.Build(new AdamOptimizer(), weightDecay: 0.1f), [new ClipByValue(0.5f)])));
    }

    [Fact]
    public void AUserLinkInAChain_Trains()
    {
        var net = ClassificationNetwork(3);
        var data = Classification(200, 4);
        var options = new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), LearningRate = 0.005f, Epochs = 8, BatchSize = 16, Seed = 2, MaxThreads = 1,
            Optimizer = new GradientTransformationChain("SignMomentum", [new UserLinks.Sign(), new MomentumTrace(0.5f), new ScaleByLearningRate()]),
        };
        double before = NetworkTrainer.EvaluateLoss(net, data, options.Loss);
        TrainingResult result = NetworkTrainer.Fit(net, data, null, options);
        Assert.Equal(StopReason.Completed, result.StopReason);
        Assert.True(NetworkTrainer.EvaluateLoss(net, data, options.Loss) < 0.8 * before);
    }
}
