using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Metrics;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Training;

public class XorSmokeTests
{
    [Fact]
    public void XorWithTanhHiddenLayerReachesFullAccuracy()
    {
        var net = new Network(2, new DenseLayer(8, Activation.Tanh), new DenseLayer(1, Activation.Sigmoid));
        net.Initialize(1);
        var data = new TrainingData([0, 0, 0, 1, 1, 0, 1, 1], 2, [0, 1, 1, 0], 1);
        var result = NetworkTrainer.Fit(net, data, null, new TrainingOptions
        {
            Loss = new BinaryCrossEntropyLoss(), LearningRate = 0.05f, Epochs = 500, BatchSize = 4, Metric = new AccuracyMetric(),
        });
        Assert.Equal(1.0, result.History[^1].TrainingMetric);
        var outputs = new float[4];
        net.Predict(data.Features, outputs, 4);
        Assert.True(outputs[0] < 0.5 && outputs[1] > 0.5 && outputs[2] > 0.5 && outputs[3] < 0.5, string.Join(",", outputs));
    }
}
