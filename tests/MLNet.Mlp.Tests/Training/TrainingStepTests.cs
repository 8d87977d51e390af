using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Schedules;
using MLNet.Mlp.Tests.GradientChecking;
using MLNet.Mlp.Training;
using static MLNet.Mlp.Tests.Training.TrainingFixtures;

namespace MLNet.Mlp.Tests.Training;

/// <summary>The public step-by-step surface: forward, backward, gradients, one optimizer step, driven by hand.</summary>
public class TrainingStepTests
{
    [Fact]
    public void AHandWrittenLoopGivesNetworkTrainerFitsWeightsBitForBit()
    {
        // Batch norm and dropout (masks drawn from the seed and the step), Adam, clipping, a partial last batch.
        var data = Classification(75, 4);
        const int batch = 10, epochs = 3, seed = 12;
        const float learningRate = 0.01f;
        var fitted = ClassificationNetwork(6, dropout: 0.3f);
        var result = NetworkTrainer.Fit(fitted, data, null, new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), Optimizer = new AdamOptimizer(), LearningRate = learningRate,
            GradientTransforms = [new ClipByGlobalNorm(1f)], Epochs = epochs, BatchSize = batch, Shuffle = false, Seed = seed,
        });

        var network = ClassificationNetwork(6, dropout: 0.3f);
        var step = new TrainingStep(network, batch, seed);
        var optimizer = new AdamOptimizer();
        var optimizerState = optimizer.CreateState(network.ParameterCount);
        IGradientTransform[] transforms = [new ClipByGlobalNorm(1f)];
        var loss = new CategoricalCrossEntropyLoss();
        var epochLosses = new double[epochs];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            double lossSum = 0;
            for (int start = 0; start < data.Rows; start += batch)
            {
                int rows = Math.Min(batch, data.Rows - start);
                step.Forward(data.Features.AsSpan(start * 4, rows * 4));
                lossSum += step.Backward(data.Targets.AsSpan(start, rows), loss);
                step.TransformGradients(transforms, learningRate);
                step.Update(optimizer, optimizerState, learningRate);
            }
            epochLosses[epoch] = lossSum / data.Rows;
        }

        Assert.True(BitIdentical(fitted.Parameters.Span, network.Parameters.Span));
        Assert.True(BitIdentical(fitted.State.Span, network.State.Span));
        Assert.Equal(24, step.StepCount);
        Assert.Equal(result.History.Select(r => r.TrainingLoss), epochLosses);
    }

    [Fact]
    public void AWeightedRegressionWithAStepScheduleAndMomentumMatchesFitBitForBit()
    {
        var random = new Random(3);
        const int rows = 50, batch = 8;
        var x = Enumerable.Range(0, rows * 2).Select(_ => 2 * random.NextSingle() - 1).ToArray();
        var y = Enumerable.Range(0, rows).Select(r => x[2 * r] * x[2 * r + 1] + 0.3f * x[2 * r]).ToArray();
        var w = Enumerable.Range(0, rows).Select(_ => 2 * random.NextSingle()).ToArray();
        var data = new TrainingData(x, 2, y, 1, w);
        Network NewNetwork()
        {
            var n = new Network(2, new DenseLayer(12, Activation.Tanh), new DenseLayer(1));
            n.Initialize(9);
            return n;
        }
        var schedule = new StepDecaySchedule(5, 0.8f);
        var fitted = NewNetwork();
        NetworkTrainer.Fit(fitted, data, null, new TrainingOptions
        {
            Loss = new MeanSquaredErrorLoss(), Optimizer = new MomentumOptimizer(0.9f), LearningRate = 0.05f,
            Schedule = schedule, ScheduleUnit = ScheduleUnit.Step, Epochs = 4, BatchSize = batch, Shuffle = false,
        });

        var network = NewNetwork();
        var step = new TrainingStep(network, batch);
        var optimizer = new MomentumOptimizer(0.9f);
        var state = optimizer.CreateState(network.ParameterCount);
        var loss = new MeanSquaredErrorLoss();
        for (int epoch = 0; epoch < 4; epoch++)
        {
            for (int start = 0; start < rows; start += batch)
            {
                int n = Math.Min(batch, rows - start);
                float rate = schedule.GetLearningRate(0.05f, step.StepCount);
                step.Forward(x.AsSpan(start * 2, n * 2));
                step.Backward(y.AsSpan(start, n), loss, w.AsSpan(start, n));
                step.Update(optimizer, state, rate);
            }
        }

        Assert.True(BitIdentical(fitted.Parameters.Span, network.Parameters.Span));
    }

    [Fact]
    public void UpdateAppliesTheOptimizerToTheGradientsBackwardWrote()
    {
        var data = Classification(16, 1);
        var network = new Network(4, new DenseLayer(5, Activation.Tanh), new DenseLayer(3, Activation.Softmax));
        network.Initialize(1);
        var step = new TrainingStep(network, 16);
        var output = step.Forward(data.Features);
        Assert.Equal(16 * 3, output.Length);
        step.Backward(data.Targets, new CategoricalCrossEntropyLoss());
        var before = network.Parameters.ToArray();
        var gradients = network.Gradients.ToArray();
        Assert.Contains(gradients, g => g != 0f);

        step.Update(new TestSgd(), new TestSgd().CreateState(network.ParameterCount), 0.1f);
        var after = network.Parameters.Span;
        for (int i = 0; i < before.Length; i++) Assert.Equal(before[i] - 0.1f * gradients[i], after[i]);
        Assert.Equal(1, step.StepCount);
    }

    [Fact]
    public void GradientsAreTheDerivativeOfTheBatchMeanLoss()
    {
        // Only public calls: set the parameters, run the batch forward and backward, read the loss and the gradients.
        var random = new Random(5);
        const int rows = 6;
        var x = FiniteDifference.Uniform(random, rows * 3, -1f, 1f);
        var y = FiniteDifference.Uniform(random, rows * 2, -1f, 1f);
        var network = new Network(3, new DenseLayer(4, Activation.Tanh), new DenseLayer(2));
        network.Initialize(2);
        var step = new TrainingStep(network, rows);
        var loss = new MeanSquaredErrorLoss();
        var theta = network.Parameters.ToArray();
        var state = network.State.ToArray();
        double MeanLoss()
        {
            network.SetParameters(theta, state);
            step.Forward(x);
            return step.Backward(y, loss) / rows;
        }
        var numeric = FiniteDifference.Gradient(theta, MeanLoss);
        MeanLoss();
        FiniteDifference.AssertClose(numeric, network.Gradients.Span, "∂L/∂θ");
    }

    [Fact]
    public void TheLossOfAFullBatchIsWhatEvaluateLossGives()
    {
        var data = Classification(20, 2);
        var network = new Network(4, new DenseLayer(6, Activation.Relu), new DenseLayer(3, Activation.Softmax));
        network.Initialize(4);
        var step = new TrainingStep(network, data.Rows);
        step.Forward(data.Features);
        double mean = step.Backward(data.Targets, new CategoricalCrossEntropyLoss()) / data.Rows;
        Assert.Equal(NetworkTrainer.EvaluateLoss(network, data, new CategoricalCrossEntropyLoss()), mean, 12);
    }

    [Fact]
    public void MisuseIsRejectedWithAClearException()
    {
        var network = new Network(2, new DenseLayer(3, Activation.Tanh), new DenseLayer(1));
        network.Initialize(1);
        var step = new TrainingStep(network, 4);
        var loss = new MeanSquaredErrorLoss();
        Assert.Throws<InvalidOperationException>(() => step.Backward(new float[2], loss));
        Assert.Throws<ArgumentException>(() => step.Forward(new float[3]));      // not a whole row
        Assert.Throws<ArgumentException>(() => step.Forward(new float[10]));     // 5 rows > 4
        Assert.Throws<ArgumentException>(() => step.Forward([]));
        step.Forward(new float[4]);
        Assert.Equal(2, step.Rows);
        step.Backward(new float[2], loss);
        Assert.Throws<ArgumentException>(() => step.Update(new TestSgd(), new OptimizerState(0, 3), 0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => step.MaxThreads = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingStep(network, 0));
    }
}
