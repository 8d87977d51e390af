using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Metrics;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Training;

public class XorTests
{
    private static readonly TrainingData Xor = new([0, 0, 0, 1, 1, 0, 1, 1], 2, [0, 1, 1, 0], 1);

    [Fact]
    public void XorWithTanhHiddenLayerAndSigmoidOutputReachesFullAccuracy()
    {
        var net = new Network(2, new DenseLayer(8, Activation.Tanh), new DenseLayer(1, Activation.Sigmoid));
        net.Initialize(1);
        var result = NetworkTrainer.Fit(net, Xor, null, new TrainingOptions
        {
            Loss = new BinaryCrossEntropyLoss(), LearningRate = 0.05f, Epochs = 500, BatchSize = 4, Metric = new AccuracyMetric(),
        });
        Assert.Equal(1.0, result.History[^1].TrainingMetric);
        var outputs = new float[4];
        net.Predict(Xor.Features, outputs, 4);
        Assert.True(outputs[0] < 0.5 && outputs[1] > 0.5 && outputs[2] > 0.5 && outputs[3] < 0.5, string.Join(",", outputs));
        // Far below log 2 ≈ 0.693, the loss of the best function a linear model can fit to XOR.
        Assert.True(result.History[^1].TrainingLoss < 0.1, $"loss {result.History[^1].TrainingLoss}");
    }

    [Fact]
    public void XorWithTanhHiddenLayerAndSoftmaxOutputReachesFullAccuracyWithPlainGradientDescent()
    {
        var net = new Network(2, new DenseLayer(8, Activation.Tanh), new DenseLayer(2, Activation.Softmax));
        net.Initialize(2);
        var result = NetworkTrainer.Fit(net, Xor, null, new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), Optimizer = new TestSgd(), LearningRate = 0.5f, Epochs = 1000, BatchSize = 4,
            Metric = new AccuracyMetric(),
        });
        Assert.Equal(1.0, result.History[^1].TrainingMetric);
        Assert.True(result.History[^1].TrainingLoss < 0.1, $"loss {result.History[^1].TrainingLoss}");
    }
}
