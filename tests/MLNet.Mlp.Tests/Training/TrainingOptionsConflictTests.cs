using MLNet.Mlp.Losses;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Training;

/// <summary>The engine's own options are checked on the gradient-transformation chain, as the trainers' options are.</summary>
public class TrainingOptionsConflictTests
{
    [Fact]
    public void AnL2TransformBesideAnOptimizersOwnCoupledDecayIsRefused()
    {
        var options = new TrainingOptions
        {
            Loss = new MeanSquaredErrorLoss(),
            Optimizer = new AdamOptimizer(weightDecay: 0.01f),
            GradientTransforms = [new L2Regularization(0.01f)],
        };
        var e = Assert.ThrowsAny<ArgumentException>(options.Validate);
        Assert.Contains("L2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADecoupledDecayAroundAnOptimizerThatAlreadyDecaysDecoupledIsRefused()
    {
        var options = new TrainingOptions
        {
            Loss = new MeanSquaredErrorLoss(),
            Optimizer = new DecoupledWeightDecay(new AdamWOptimizer(weightDecay: 0.01f), 0.01f),
        };
        Assert.ThrowsAny<ArgumentException>(options.Validate);
    }

    [Fact]
    public void ClippingAndAnL2TransformInFrontOfAPlainOptimizerAreAccepted()
    {
        var options = new TrainingOptions
        {
            Loss = new MeanSquaredErrorLoss(),
            Optimizer = new AdamOptimizer(),
            GradientTransforms = [new ClipByGlobalNorm(1f), new L2Regularization(0.01f)],
        };
        options.Validate();
    }
}
