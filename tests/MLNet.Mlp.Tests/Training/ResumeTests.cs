using MLNet.Mlp.Losses;
using MLNet.Mlp.Training;
using static MLNet.Mlp.Tests.Training.TrainingFixtures;

namespace MLNet.Mlp.Tests.Training;

public class ResumeTests
{
    private static TrainingOptions Options(int epochs) => new()
    {
        Loss = new CategoricalCrossEntropyLoss(), LearningRate = 0.01f, Epochs = epochs, BatchSize = 10, Shuffle = true, Seed = 12, MaxThreads = 1,
    };

    [Fact]
    public void FourEpochsThenThreeMoreEqualSevenUninterruptedEpochsBitForBit()
    {
        var data = Classification(75, 4);   // 8 steps per epoch, the last one partial
        var whole = new TrainingState(ClassificationNetwork(6, dropout: 0.3f));
        NetworkTrainer.Fit(whole, data, null, Options(7));

        var resumed = new TrainingState(ClassificationNetwork(6, dropout: 0.3f));
        NetworkTrainer.Fit(resumed, data, null, Options(4));
        var second = NetworkTrainer.Fit(resumed, data, null, Options(3));

        Assert.Equal(whole.Step, resumed.Step);
        Assert.Equal(7, resumed.EpochsCompleted);
        Assert.Equal([5, 6, 7], second.History.Select(r => r.Epoch));
        Assert.True(BitIdentical(whole.Network.Parameters.Span, resumed.Network.Parameters.Span));
        Assert.True(BitIdentical(whole.Network.State.Span, resumed.Network.State.Span));
        for (int b = 0; b < whole.OptimizerState!.BufferCount; b++)
            Assert.True(BitIdentical(whole.OptimizerState.Buffer(b), resumed.OptimizerState!.Buffer(b)));
        Assert.Equal(whole.History.Select(r => r.TrainingLoss), resumed.History.Select(r => r.TrainingLoss));
    }
}
