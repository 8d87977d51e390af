using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Training;

public class RegressionTests
{
    [Theory]
    [InlineData("Tanh")]
    [InlineData("Relu")]
    public void SineOnMinusPiToPiIsFittedToHalfMseBelowOneHundredth(string hidden)
    {
        const int rows = 64;
        var x = new float[rows];
        var y = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            x[i] = (float)(-Math.PI + 2 * Math.PI * i / (rows - 1));
            y[i] = MathF.Sin(x[i]);
        }
        var data = new TrainingData(x, 1, y, 1);
        var net = new Network(1, new DenseLayer(16, hidden == "Tanh" ? Activation.Tanh : Activation.Relu), new DenseLayer(1));
        net.Initialize(3);
        var loss = new MeanSquaredErrorLoss();
        double before = NetworkTrainer.EvaluateLoss(net, data, loss);
        NetworkTrainer.Fit(net, data, null, new TrainingOptions { Loss = loss, LearningRate = 0.01f, Epochs = 400, BatchSize = 16, Seed = 1 });
        double after = NetworkTrainer.EvaluateLoss(net, data, loss);
        // ½·mean(sin²) = 0.25 is the loss of predicting 0; < 0.01 needs the shape of the sine, not just its mean.
        Assert.True(after < 0.01, $"½-MSE {after} (started at {before})");
    }
}
