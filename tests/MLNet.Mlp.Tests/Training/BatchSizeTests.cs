using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Training;

public class BatchSizeTests
{
    private const int Rows = 64;

    // y = 0.5·x₀ − x₁ + 0.3·x₀x₁ + 0.2 on [−1, 1]²: ½·Var(y) ≈ 0.21 is the loss of the best constant.
    private static TrainingData Data()
    {
        var random = new Random(9);
        var x = new float[Rows * 2];
        var y = new float[Rows];
        for (int r = 0; r < Rows; r++)
        {
            float a = 2 * random.NextSingle() - 1, b = 2 * random.NextSingle() - 1;
            x[2 * r] = a;
            x[2 * r + 1] = b;
            y[r] = 0.5f * a - b + 0.3f * a * b + 0.2f;
        }
        return new TrainingData(x, 2, y, 1);
    }

    [Theory]
    [InlineData(1, 0.02f, 30)]     // stochastic gradient descent: 1 920 steps
    [InlineData(32, 0.2f, 300)]    // mini-batch: 600 steps
    [InlineData(Rows, 0.3f, 600)]  // batch gradient descent: 600 steps
    public void PlainGradientDescentConvergesForBatchSize(int batchSize, float learningRate, int epochs)
    {
        var data = Data();
        var net = new Network(2, new DenseLayer(8, Activation.Tanh), new DenseLayer(1));
        net.Initialize(4);
        var loss = new MeanSquaredErrorLoss();
        double before = NetworkTrainer.EvaluateLoss(net, data, loss);
        var result = NetworkTrainer.Fit(net, data, null, new TrainingOptions
        {
            Loss = loss, Optimizer = new TestSgd(), LearningRate = learningRate, Epochs = epochs, BatchSize = batchSize,
        });
        Assert.All(result.History, r => Assert.Equal((Rows + batchSize - 1) / batchSize, r.Steps));
        double after = NetworkTrainer.EvaluateLoss(net, data, loss);
        Assert.True(after < 0.005, $"batch {batchSize}: ½-MSE {after} (started at {before})");
    }
}
