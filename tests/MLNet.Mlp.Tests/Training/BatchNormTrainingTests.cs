using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Training;

public class BatchNormTrainingTests
{
    private static TrainingData UnitVarianceData(int rows)
    {
        var random = new Random(5);
        var x = new float[rows * 3];
        var y = new float[rows];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 * Math.Sqrt(3) - Math.Sqrt(3));
        for (int r = 0; r < rows; r++) y[r] = x[r * 3] - x[r * 3 + 1];
        return new TrainingData(x, 3, y, 1);
    }

    [Fact]
    public void TrailingSingleRowBatchDoesNotCollapseTheRunningVariance()
    {
        var bn = new BatchNormLayer(momentum: 0.5f);
        var net = new Network(3, bn, new DenseLayer(1));
        net.Initialize(1);
        // 33 rows in batches of 32: every epoch ends with a one-row batch, which would pull the variance to 0.
        NetworkTrainer.Fit(net, UnitVarianceData(33), null, new TrainingOptions { Loss = new MeanSquaredErrorLoss(), Epochs = 20, BatchSize = 32 });
        Assert.All(bn.RunningVariance.ToArray(), v => Assert.InRange(v, 0.8f, 2f));
    }

    [Fact]
    public void BatchNormWithBatchSizeOneIsRejectedBeforeTraining()
    {
        var net = new Network(3, new DenseLayer(4, Activation.Identity), new BatchNormLayer(), new DenseLayer(1));
        net.Initialize(1);
        var before = net.Parameters.ToArray();
        var e = Assert.Throws<ArgumentException>(() => NetworkTrainer.Fit(net, UnitVarianceData(10), null,
            new TrainingOptions { Loss = new MeanSquaredErrorLoss(), BatchSize = 1 }));
        Assert.Contains("Batch normalization needs at least two examples per batch", e.Message);
        Assert.Equal(before, net.Parameters.ToArray());
    }
}
