using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Training;
using static MLNet.Mlp.Tests.Training.TrainingFixtures;

namespace MLNet.Mlp.Tests.Training;

public class DivergenceTests
{
    /// <summary>Plain gradient descent until global step <paramref name="explodeAt"/>, whose update is scaled by 1e30·1e30 (= ∞ in float).</summary>
    private sealed class ExplodingOptimizer(long explodeAt) : IOptimizer
    {
        public string Name => "Exploding";

        public OptimizerState CreateState(int parameterCount) => new(0, parameterCount);

        public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, OptimizerState state, in OptimizerStep step)
        {
            for (int i = 0; i < parameters.Length; i++)
                parameters[i] -= step.Step == explodeAt ? gradients[i] * 1e30f * 1e30f : step.LearningRate * gradients[i];
        }
    }

    // 12 rows of a linear target on features in the thousands (not normalized).
    private static TrainingData Unnormalized()
    {
        var random = new Random(3);
        var x = new float[12 * 3];
        var y = new float[12];
        for (int r = 0; r < 12; r++)
        {
            for (int j = 0; j < 3; j++) x[r * 3 + j] = 1000f * (j + 1) * random.NextSingle();
            y[r] = 0.001f * x[r * 3] - 0.002f * x[r * 3 + 1] + 50f;
        }
        return new TrainingData(x, 3, y, 1);
    }

    [Fact]
    public void HugeLearningRateOnUnnormalizedDataRaisesDivergedNamingEpochAndStepAndLeavesFiniteWeights()
    {
        var net = new Network(3, new DenseLayer(8, Activation.Relu), new DenseLayer(1));
        net.Initialize(1);
        var ex = Assert.Throws<TrainingDivergedException>(() => NetworkTrainer.Fit(net, Unnormalized(), null, new TrainingOptions
        {
            Loss = new MeanSquaredErrorLoss(), Optimizer = new TestSgd(), LearningRate = 1e6f, Epochs = 50, BatchSize = 4,
        }));
        Assert.True(ex.Epoch >= 1 && ex.Step >= 1 && ex.Step <= 3, $"epoch {ex.Epoch}, step {ex.Step}");
        Assert.Contains($"epoch {ex.Epoch}, step {ex.Step}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1e6f, ex.LearningRate);
        Assert.True(AllFinite(net.Parameters.Span), "parameters must be finite after divergence");
        Assert.True(AllFinite(net.State.Span));
    }

    [Fact]
    public void InfiniteWeightsAreDetectedAtTheNextStepAndTheLastCompletedEpochIsRestored()
    {
        // 12 rows, batch 4: 3 steps per epoch. Global step 7 (epoch 3, step 1) makes the weights infinite, so the
        // loss of epoch 3, step 2 is NaN; the network goes back to the weights at the end of epoch 2.
        var net = new Network(3, new DenseLayer(4, Activation.Tanh), new DenseLayer(1));
        net.Initialize(2);
        var data = Unnormalized();
        var scaled = new TrainingData(data.Features.Select(v => v / 1000f).ToArray(), 3, data.Targets.Select(v => v / 100f).ToArray(), 1);
        float[]? afterEpoch2 = null;
        var ex = Assert.Throws<TrainingDivergedException>(() => NetworkTrainer.Fit(net, scaled, null, new TrainingOptions
        {
            Loss = new MeanSquaredErrorLoss(), Optimizer = new ExplodingOptimizer(7), LearningRate = 0.01f, Epochs = 10, BatchSize = 4,
            EpochCompleted = r => { if (r.Epoch == 2) afterEpoch2 = net.Parameters.ToArray(); },
        }));
        Assert.Equal(3, ex.Epoch);
        Assert.Equal(2, ex.Step);
        Assert.Equal(2, ex.RestoredToEpoch);
        Assert.Contains("epoch 3, step 2", ex.Message, StringComparison.Ordinal);
        Assert.True(AllFinite(net.Parameters.Span));
        Assert.True(BitIdentical(afterEpoch2, net.Parameters.Span));
    }

    [Fact]
    public void RestoringTheLastCompletedEpochAlsoRestoresItsOptimizerStateAndStep()
    {
        // Adam (stateful) until global step 7 explodes the weights; the state must go back to the end of epoch 2 as a
        // whole — weights, moments and the step counter — so that training could continue from it.
        var net = new Network(3, new DenseLayer(4, Activation.Tanh), new DenseLayer(1));
        net.Initialize(2);
        var data = Unnormalized();
        var scaled = new TrainingData(data.Features.Select(v => v / 1000f).ToArray(), 3, data.Targets.Select(v => v / 100f).ToArray(), 1);
        var state = new TrainingState(net);
        float[][]? momentsAfterEpoch2 = null;
        var adam = new AdamOptimizer();
        var exploding = new ExplodingAdam(adam, explodeAt: 7);
        Assert.Throws<TrainingDivergedException>(() => NetworkTrainer.Fit(state, scaled, null, new TrainingOptions
        {
            Loss = new MeanSquaredErrorLoss(), Optimizer = exploding, LearningRate = 0.01f, Epochs = 10, BatchSize = 4,
            EpochCompleted = r =>
            {
                if (r.Epoch == 2)
                    momentsAfterEpoch2 = Enumerable.Range(0, state.OptimizerState!.BufferCount).Select(i => state.OptimizerState.Buffer(i).ToArray()).ToArray();
            },
        }));
        Assert.Equal(6, state.Step);
        Assert.Equal(2, state.EpochsCompleted);
        for (int i = 0; i < momentsAfterEpoch2!.Length; i++)
            Assert.True(BitIdentical(momentsAfterEpoch2[i], state.OptimizerState!.Buffer(i)));
    }

    /// <summary>Adam whose update at global step <paramref name="explodeAt"/> makes every weight infinite.</summary>
    private sealed class ExplodingAdam(AdamOptimizer adam, long explodeAt) : IOptimizer
    {
        public string Name => "ExplodingAdam";

        public OptimizerState CreateState(int parameterCount) => adam.CreateState(parameterCount);

        public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, OptimizerState state, in OptimizerStep step)
        {
            adam.Update(parameters, gradients, state, step);
            if (step.Step == explodeAt) parameters.Fill(float.PositiveInfinity);
        }
    }

    [Fact]
    public void InfiniteWeightsAfterTheLastStepOfAnEpochAreCaughtBeforeTheEpochIsRecorded()
    {
        // Step 3 is the last of epoch 1: the end-of-epoch weight check must catch it and restore the initial weights.
        var net = new Network(3, new DenseLayer(4, Activation.Tanh), new DenseLayer(1));
        net.Initialize(2);
        var initial = net.Parameters.ToArray();
        var data = Unnormalized();
        var scaled = new TrainingData(data.Features.Select(v => v / 1000f).ToArray(), 3, data.Targets.Select(v => v / 100f).ToArray(), 1);
        int epochsRecorded = 0;
        var ex = Assert.Throws<TrainingDivergedException>(() => NetworkTrainer.Fit(net, scaled, null, new TrainingOptions
        {
            Loss = new MeanSquaredErrorLoss(), Optimizer = new ExplodingOptimizer(3), LearningRate = 0.01f, Epochs = 10, BatchSize = 4,
            EpochCompleted = _ => epochsRecorded++,
        }));
        Assert.Equal(1, ex.Epoch);
        Assert.Equal(0, epochsRecorded);
        Assert.Equal(0, ex.RestoredToEpoch);
        Assert.True(BitIdentical(initial, net.Parameters.Span));
    }
}
