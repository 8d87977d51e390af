using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Tests.GradientChecking;
using MLNet.Mlp.Training;
using static MLNet.Mlp.Tests.Training.TrainingFixtures;

namespace MLNet.Mlp.Tests.Training;

public class GradientStepTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OneFullBatchStepIsThetaMinusLearningRateTimesTheBatchMeanGradient(bool weighted)
    {
        const int rows = 10;
        const float eta = 0.1f;
        var random = new Random(1);
        var x = FiniteDifference.Uniform(random, rows * 3, -1f, 1f);
        var y = FiniteDifference.Uniform(random, rows * 2, -1f, 1f);
        var w = weighted ? FiniteDifference.Uniform(random, rows, 0f, 3f) : null;
        var net = new Network(3, new DenseLayer(5, Activation.Tanh), new DenseLayer(2));
        net.Initialize(2);
        var theta = net.Parameters.ToArray();

        // Finite differences of L(θ) = (1/m) Σ wᵢℓᵢ — the batch mean, with example weights not renormalized.
        var loss = new MeanSquaredErrorLoss();
        var probe = net.Clone();
        var ws = new NetworkWorkspace(probe, rows);
        var context = new ForwardContext(true, 1, null);
        double Objective()
        {
            probe.Forward(ws, x, rows, context);
            return probe.Backward(ws, x, y, w ?? [], loss, rows, 1f, context) / rows;
        }
        var numeric = FiniteDifference.Gradient(probe.ParameterArray, Objective);

        NetworkTrainer.Fit(net, new TrainingData(x, 3, y, 2, w), null, new TrainingOptions
        {
            Loss = loss, Optimizer = new TestSgd(), LearningRate = eta, Epochs = 1, BatchSize = rows, Shuffle = false,
        });
        var step = new float[theta.Length];
        for (int i = 0; i < theta.Length; i++) step[i] = (theta[i] - net.Parameters.Span[i]) / eta;
        FiniteDifference.AssertClose(numeric, step, weighted ? "weighted step / η" : "step / η");
        Assert.True(AllFinite(net.Parameters.Span));
    }
}
