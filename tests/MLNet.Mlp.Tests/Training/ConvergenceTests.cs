using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Training;
using static MLNet.Mlp.Tests.Training.TrainingFixtures;

namespace MLNet.Mlp.Tests.Training;

/// <summary>
/// Training until converged (<see cref="TrainingOptions.Convergence"/>): the run ends when the monitored loss stops
/// improving, or at its epoch or step limit, and says which; without it the fixed number of epochs runs as before.
/// </summary>
public class ConvergenceTests
{
    /// <summary>4 → Dense(16, ReLU) → Dense(3, softmax): without batch norm or dropout, an epoch's loss does not depend on its shuffle.</summary>
    private static Network Plain()
    {
        var network = new Network(4, new DenseLayer(16, Activation.Relu), new DenseLayer(3, Activation.Softmax));
        network.Initialize(5);
        return network;
    }

    private static TrainingResult Fit(ConvergenceCriterion convergence, float learningRate, int rows = 64, TrainingData? validation = null)
        => NetworkTrainer.Fit(Plain(), Classification(rows, 2), validation, new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), Optimizer = new AdamOptimizer(), LearningRate = learningRate, BatchSize = 16, Epochs = 3,
            Convergence = convergence,
        });

    [Fact]
    public void ALossThatNoLongerMovesConvergesAfterPatienceEpochsWithoutImprovement()
    {
        // Adam moves each weight by about η per step: at η = 1e-9 the loss changes far less than the tolerance.
        var result = Fit(new ConvergenceCriterion { Patience = 3 }, 1e-9f);
        Assert.Equal(StopReason.Converged, result.StopReason);
        // The first epoch sets the best; three more without improvement end the run.
        Assert.Equal(4, result.History.Count);
    }

    [Fact]
    public void AFallingLossRunsToTheEpochLimitAndSaysSo()
    {
        var result = Fit(new ConvergenceCriterion { MaximumNumberOfEpochs = 6 }, 0.01f);
        Assert.Equal(StopReason.ReachedLimit, result.StopReason);
        Assert.Equal(6, result.History.Count);
        Assert.True(result.History[^1].TrainingLoss < result.History[0].TrainingLoss - 1e-4);
    }

    [Fact]
    public void TheStepLimitEndsTheRunAfterTheEpochThatReachesIt()
    {
        // 64 rows in batches of 16: 4 steps per epoch, so 6 steps are reached during the second epoch.
        var result = Fit(new ConvergenceCriterion { MaximumNumberOfSteps = 6 }, 0.01f);
        Assert.Equal(StopReason.ReachedLimit, result.StopReason);
        Assert.Equal(2, result.History.Count);
        Assert.Equal(8, result.History.Sum(h => h.Steps));
    }

    [Fact]
    public void WithValidationDataTheValidationLossIsMonitored()
    {
        // The validation rows are far from the training rows' distribution: its loss bottoms out early while the training
        // loss still falls, so a run that watched the training loss would run to the limit.
        var validation = Classification(32, 9);
        var shifted = new TrainingData(validation.Features.Select(v => v + 3f).ToArray(), validation.FeatureCount, validation.Targets, validation.TargetWidth);
        var result = Fit(new ConvergenceCriterion { Patience = 2, MaximumNumberOfEpochs = 200 }, 0.05f, validation: shifted);
        var losses = result.History.Select(h => h.ValidationLoss!.Value).ToArray();
        Assert.Equal(StopReason.Converged, result.StopReason);
        // The last two epochs did not beat the best validation loss before them.
        Assert.True(losses[^2..].Min() >= losses[..^2].Min() - 1e-4, string.Join(", ", losses));
    }

    [Fact]
    public void WithoutConvergenceTheFixedNumberOfEpochsRunsAndCompletes()
    {
        var result = NetworkTrainer.Fit(ClassificationNetwork(5), Classification(64, 2), null, new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), LearningRate = 1e-9f, Epochs = 15, BatchSize = 16,
        });
        Assert.Equal(StopReason.Completed, result.StopReason);
        Assert.Equal(15, result.History.Count);
    }

    [Fact]
    public void FirstBatchLossIsTheLossOfTheStartingWeights()
    {
        var network = Plain();
        var data = Classification(64, 2);
        double initial = NetworkTrainer.EvaluateLoss(network, data, new CategoricalCrossEntropyLoss());
        // One batch of every row: the first batch is the whole data set, before any update.
        var result = NetworkTrainer.Fit(network, data, null, new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), LearningRate = 0.01f, Epochs = 1, BatchSize = 64,
        });
        Assert.Equal(initial, result.FirstBatchLoss!.Value, 5);
    }

    [Theory]
    [InlineData(-1e-4, 10, 200, 100L, "Tolerance")]
    [InlineData(double.NaN, 10, 200, 100L, "Tolerance")]
    [InlineData(1e-4, 0, 200, 100L, "Patience")]
    [InlineData(1e-4, 10, 0, 100L, "MaximumNumberOfEpochs")]
    [InlineData(1e-4, 10, 200, 0L, "MaximumNumberOfSteps")]
    public void InvalidSettingsAreRejectedNamingTheSetting(double tolerance, int patience, int epochs, long steps, string name)
    {
        var criterion = new ConvergenceCriterion { Tolerance = tolerance, Patience = patience, MaximumNumberOfEpochs = epochs, MaximumNumberOfSteps = steps };
        var e = Assert.Throws<ArgumentOutOfRangeException>(criterion.Validate);
        Assert.Equal(name, e.ParamName);
        var options = new TrainingOptions { Loss = new CategoricalCrossEntropyLoss(), Convergence = criterion };
        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(150, 32)]
    [InlineData(31, 31)]
    [InlineData(60_000, 32)]
    [InlineData(1_000_000, 32)]
    public void TheDefaultBatchSizeIsThirtyTwoOrEveryRowWhenFewer(int rows, int expected)
        => Assert.Equal(expected, TrainingDefaults.BatchSizeFor(rows));

    [Theory]
    [InlineData(31, 31)]
    [InlineData(60_000, 32)]
    [InlineData(64_000, 32)]
    [InlineData(64_001, 33)]
    [InlineData(200_000, 100)]
    [InlineData(1_000_000, 500)]
    public void UntilConvergedTheDefaultBatchGrowsSoThatTheStepLimitCoversTenEpochs(int rows, int expected)
    {
        var criterion = new ConvergenceCriterion();
        int batch = TrainingDefaults.BatchSizeFor(rows, criterion);

        Assert.Equal(expected, batch);
        Assert.True((double)criterion.MaximumNumberOfSteps * batch / rows >= TrainingDefaults.MinimumEpochsWithinStepLimit || batch == 32 && rows <= 64_000);
    }

    [Fact]
    public void AStepLimitTooSmallForTheEpochsTakesEveryRowInOneBatch()
        => Assert.Equal(5_000, TrainingDefaults.BatchSizeFor(5_000, new ConvergenceCriterion { MaximumNumberOfSteps = 3 }));
}
