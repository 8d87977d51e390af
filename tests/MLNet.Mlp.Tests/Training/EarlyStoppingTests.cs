using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Training;
using static MLNet.Mlp.Tests.Training.TrainingFixtures;

namespace MLNet.Mlp.Tests.Training;

public class EarlyStoppingTests
{
    private sealed record Run(TrainingResult Result, Network Network, Dictionary<int, float[]> Snapshots);

    private static Run TrainWithScriptedMetric(EarlyStopping stopping, bool higherIsBetter, params double[] values)
    {
        var net = ClassificationNetwork(4);
        var snapshots = new Dictionary<int, float[]>();
        var result = NetworkTrainer.Fit(net, Classification(32, 3), null, new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), LearningRate = 0.01f, Epochs = values.Length, BatchSize = 8,
            Metric = new ScriptedMetric(higherIsBetter, values), EarlyStopping = stopping,
            EpochCompleted = r => snapshots[r.Epoch] = net.Parameters.ToArray(),
        });
        return new Run(result, net, snapshots);
    }

    [Fact]
    public void StopsAfterExactlyPatienceEpochsWithoutImprovementAndRestoresTheBestEpoch()
    {
        // Best 0.5 at epoch 3; epochs 4, 5, 6 do not improve (an equal value is no improvement) → stop after epoch 6.
        var run = TrainWithScriptedMetric(new EarlyStopping { Monitor = MonitoredQuantity.Metric, Patience = 3 }, false,
            1.0, 0.8, 0.5, 0.6, 0.55, 0.5, 0.1, 0.05, 0.01, 0.001);
        Assert.Equal(StopReason.EarlyStopped, run.Result.StopReason);
        Assert.Equal(6, run.Result.History.Count);
        Assert.Equal(3, run.Result.BestEpoch);
        Assert.True(run.Result.RestoredBestWeights);
        Assert.True(BitIdentical(run.Snapshots[3], run.Network.Parameters.Span));
        Assert.False(BitIdentical(run.Snapshots[6], run.Network.Parameters.Span));
    }

    [Fact]
    public void HigherIsBetterMetricCountsIncreasesAsImprovements()
    {
        // Accuracy-like: best 0.9 at epoch 4, patience 2 → epochs 5 and 6 without improvement → stop after 6.
        var run = TrainWithScriptedMetric(new EarlyStopping { Monitor = MonitoredQuantity.Metric, Patience = 2 }, true,
            0.5, 0.6, 0.7, 0.9, 0.8, 0.9, 0.95, 0.99);
        Assert.Equal(StopReason.EarlyStopped, run.Result.StopReason);
        Assert.Equal(6, run.Result.History.Count);
        Assert.Equal(4, run.Result.BestEpoch);
        Assert.True(BitIdentical(run.Snapshots[4], run.Network.Parameters.Span));
    }

    [Fact]
    public void ChangesSmallerThanMinDeltaDoNotCountAsImprovement()
    {
        // MinDelta 0.05: 0.97 is not below 1.0 − 0.05; 0.7 is (best, epoch 3); 0.69 and 0.68 are not → stop after 5.
        var run = TrainWithScriptedMetric(new EarlyStopping { Monitor = MonitoredQuantity.Metric, Patience = 2, MinDelta = 0.05 }, false,
            1.0, 0.97, 0.7, 0.69, 0.68, 0.1, 0.01);
        Assert.Equal(5, run.Result.History.Count);
        Assert.Equal(3, run.Result.BestEpoch);
        Assert.True(BitIdentical(run.Snapshots[3], run.Network.Parameters.Span));
    }

    [Fact]
    public void WithoutRestoreBestWeightsTheLastEpochsWeightsAreKept()
    {
        var run = TrainWithScriptedMetric(new EarlyStopping { Monitor = MonitoredQuantity.Metric, Patience = 2, RestoreBestWeights = false }, false,
            1.0, 0.5, 0.6, 0.7, 0.1);
        Assert.Equal(4, run.Result.History.Count);
        Assert.Equal(2, run.Result.BestEpoch);
        Assert.False(run.Result.RestoredBestWeights);
        Assert.True(BitIdentical(run.Snapshots[4], run.Network.Parameters.Span));
    }

    [Fact]
    public void OverfittingATinyNoisyTrainingSetStopsOnValidationLossAndRestoresTheBestWeights()
    {
        // 10 noisy samples of y = sin(2x) for a 64-unit network; validation on 100 clean points. Validation loss
        // falls, then rises as the network fits the noise.
        var random = new Random(8);
        float F(float x) => MathF.Sin(2 * x);
        var xTrain = Enumerable.Range(0, 10).Select(_ => 3 * random.NextSingle() - 1.5f).ToArray();
        var yTrain = xTrain.Select(x => F(x) + 0.6f * (random.NextSingle() - 0.5f)).ToArray();
        var xValid = Enumerable.Range(0, 100).Select(i => -1.5f + 3f * i / 99).ToArray();
        var train = new TrainingData(xTrain, 1, yTrain, 1);
        var validation = new TrainingData(xValid, 1, xValid.Select(F).ToArray(), 1);
        var net = new Network(1, new DenseLayer(64, Activation.Tanh), new DenseLayer(64, Activation.Tanh), new DenseLayer(1));
        net.Initialize(5);
        const int patience = 20;
        var snapshots = new Dictionary<int, float[]>();
        var loss = new MeanSquaredErrorLoss();
        var result = NetworkTrainer.Fit(net, train, validation, new TrainingOptions
        {
            Loss = loss, LearningRate = 0.003f, Epochs = 2000, BatchSize = 10,
            EarlyStopping = new EarlyStopping { Patience = patience },
            EpochCompleted = r => snapshots[r.Epoch] = net.Parameters.ToArray(),
        });

        Assert.Equal(StopReason.EarlyStopped, result.StopReason);
        // The best epoch is the first minimum of the recorded validation losses, and exactly `patience` epochs follow it.
        var losses = result.History.Select(r => r.ValidationLoss!.Value).ToArray();
        int best = Array.IndexOf(losses, losses.Min()) + 1;
        Assert.True(best > 1 && losses[best - 1] < 0.75 * losses[0], "validation loss should improve before it worsens");
        Assert.Equal(best, result.BestEpoch);
        Assert.Equal(best + patience, result.History.Count);
        Assert.True(result.RestoredBestWeights);
        Assert.True(BitIdentical(snapshots[best], net.Parameters.Span));
        Assert.Equal(losses[best - 1], NetworkTrainer.EvaluateLoss(net, validation, loss), 1e-9);
        // It did overfit: the training loss kept falling after the best validation epoch.
        Assert.True(result.History[^1].TrainingLoss < result.History[best - 1].TrainingLoss);
    }
}
