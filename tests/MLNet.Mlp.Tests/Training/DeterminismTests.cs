using MLNet.Mlp.Losses;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Training;
using static MLNet.Mlp.Tests.Training.TrainingFixtures;

namespace MLNet.Mlp.Tests.Training;

public class DeterminismTests
{
    private static Network Train(int seed, int maxThreads)
    {
        var net = ClassificationNetwork(seed);
        NetworkTrainer.Fit(net, Classification(96, 1), null, new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), LearningRate = 0.01f, Epochs = 5, BatchSize = 16, Seed = seed, MaxThreads = maxThreads,
        });
        return net;
    }

    [Fact]
    public void SameSeedGivesBitIdenticalParametersAndState()
    {
        var a = Train(7, 1);
        var b = Train(7, 1);
        Assert.True(BitIdentical(a.Parameters.Span, b.Parameters.Span));
        Assert.True(BitIdentical(a.State.Span, b.State.Span));
    }

    [Fact]
    public void DifferentSeedGivesDifferentParameters()
    {
        var a = Train(7, 1);
        var b = Train(8, 1);
        Assert.False(BitIdentical(a.Parameters.Span, b.Parameters.Span));
    }

    [Fact]
    public void DifferentShuffleAndDropoutSeedAloneGivesDifferentParameters()
    {
        // Same initial weights, only TrainingOptions.Seed differs.
        Network Run(int seed)
        {
            var net = ClassificationNetwork(3);
            NetworkTrainer.Fit(net, Classification(96, 1), null, new TrainingOptions
            {
                Loss = new CategoricalCrossEntropyLoss(), LearningRate = 0.01f, Epochs = 2, BatchSize = 16, Seed = seed, MaxThreads = 1,
            });
            return net;
        }
        Assert.False(BitIdentical(Run(1).Parameters.Span, Run(2).Parameters.Span));
    }

    [Fact]
    public void OneThreadAndTwoThreadsGiveBitIdenticalParameters()
    {
        var a = Train(7, 1);
        var b = Train(7, 2);
        Assert.True(BitIdentical(a.Parameters.Span, b.Parameters.Span));
        Assert.True(BitIdentical(a.State.Span, b.State.Span));
    }
}
