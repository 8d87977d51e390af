using Microsoft.ML;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Tests.Trainers;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Robustness;

/// <summary>
/// Mutually exclusive options are rejected when the trainer is created (or, for Fit's arguments, before anything is
/// read), naming the option. Single invalid values (learning rate, batch size, epochs, hidden widths, dropout, decay,
/// validation fraction, class weights) are covered by OptionsValidationTests; momentum and betas outside [0, 1) by
/// OptimizerValidationTests (they are rejected when the optimizer is constructed).
/// </summary>
public class OptionConflictTests
{
    [Fact]
    public void ConflictingOptionsAreRejectedWhenTheTrainerIsCreated()
    {
        var ml = new MLContext(seed: 1);
        var cases = new (string Option, string Says, Func<object> Create)[]
        {
            ("BatchSize", "BatchNormalization needs at least two examples per batch",
                () => ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { BatchNormalization = true, BatchSize = 1 })),
            ("WeightDecay", "would both decay the weights",
                () => ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { Optimizer = new AdamWOptimizer(weightDecay: 0.01f), WeightDecay = 0.01f })),
            ("WeightDecay", "would both decay the weights",
                () => ml.Regression.Trainers.Mlp(new MlpRegressionOptions { Optimizer = new DecoupledWeightDecay(new SgdOptimizer(), 0.1f), WeightDecay = 0.01f })),
            ("L2Regularization", "would both apply an L2 penalty",
                () => ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { Optimizer = new SgdOptimizer(0.9f, weightDecay: 1e-4f), L2Regularization = 1e-4f })),
            ("L2Regularization", "would both apply an L2 penalty",
                () => ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { Optimizer = new AdamOptimizer(weightDecay: 1e-4f), L2Regularization = 1e-4f })),
        };
        foreach (var (option, says, create) in cases)
        {
            var e = Assert.ThrowsAny<ArgumentException>(create);
            Assert.True(e.ParamName == option, $"{option}: ParamName '{e.ParamName}', message '{e.Message}'");
            Assert.Contains(says, e.Message, StringComparison.Ordinal);
        }

        // Each half alone is fine.
        _ = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { Optimizer = new AdamWOptimizer() });
        _ = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { Optimizer = new AdamWOptimizer(weightDecay: 0f), WeightDecay = 0.01f });
        _ = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { Optimizer = new AdamOptimizer(), L2Regularization = 1e-4f });
    }

    [Fact]
    public void ValidationDataAndValidationFractionTogetherAreRejectedBeforeAnyRowIsRead()
    {
        var ml = new MLContext(seed: 1);
        int rowsRead = 0;
        var counted = SyntheticData.SignalAndNoise(20, seed: 1).Select(r => { Interlocked.Increment(ref rowsRead); return r; });
        var data = ml.Data.LoadFromEnumerable(counted);
        var trainer = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { ValidationFraction = 0.2f, NumberOfEpochs = 1 });
        var e = Assert.ThrowsAny<ArgumentException>(() => trainer.Fit(data, data));
        Assert.Equal("ValidationFraction", e.ParamName);
        Assert.Contains("mutually exclusive", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, rowsRead);
    }
}
