using MLNet.Mlp.Losses;
using MLNet.Mlp.Training;
using static MLNet.Mlp.Tests.Training.TrainingFixtures;

namespace MLNet.Mlp.Tests.Training;

public class CancellationTests
{
    [Fact]
    public void TokenCancelledFromEpochCompletedStopsWithCancelledAndAUsableNetwork()
    {
        var net = ClassificationNetwork(5);
        var data = Classification(64, 2);
        using var cts = new CancellationTokenSource();
        float[]? afterEpoch3 = null;
        var result = NetworkTrainer.Fit(net, data, null, new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), LearningRate = 0.01f, Epochs = 10, BatchSize = 16, CancellationToken = cts.Token,
            EpochCompleted = r =>
            {
                if (r.Epoch != 3) return;
                afterEpoch3 = net.Parameters.ToArray();
                cts.Cancel();
            },
        });
        Assert.Equal(StopReason.Cancelled, result.StopReason);
        Assert.Equal(3, result.History.Count);
        // Cancellation is seen before the first step of epoch 4, so the weights are those of epoch 3.
        Assert.True(BitIdentical(afterEpoch3, net.Parameters.Span));
        Assert.True(AllFinite(net.Parameters.Span) && AllFinite(net.State.Span));
        var outputs = new float[data.Rows * 3];
        net.Predict(data.Features, outputs, data.Rows);
        Assert.True(AllFinite(outputs));
        for (int r = 0; r < data.Rows; r++) Assert.Equal(1.0, outputs[3 * r] + outputs[3 * r + 1] + outputs[3 * r + 2], 5);
    }

    [Fact]
    public void AlreadyCancelledTokenRunsNoStep()
    {
        var net = ClassificationNetwork(5);
        var before = net.Parameters.ToArray();
        var result = NetworkTrainer.Fit(net, Classification(64, 2), null, new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), Epochs = 3, CancellationToken = new CancellationToken(true),
        });
        Assert.Equal(StopReason.Cancelled, result.StopReason);
        Assert.Empty(result.History);
        Assert.True(BitIdentical(before, net.Parameters.Span));
    }
}
