using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Tests.Robustness;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// With every option at its default (NumberOfEpochs, BatchSize and L2Regularization null) and the usual normalizer in
/// front, the trainers train until converged, with a penalty worth a few examples (chosen by cross-validation on tables
/// of 50 to 1,000 rows, <see cref="DefaultPenaltySelectionTests"/>), and reach the level of ML.NET's linear
/// trainers on the small tables, where ten epochs of batch 32 stayed far below it (iris 60.8 %, breast cancer AUC 0.980,
/// diabetes R² 0.25), in seconds; an explicit NumberOfEpochs keeps its meaning.
/// </summary>
public class DefaultTrainingLengthTests
{
    private static IEnumerable<MlpModelParameters> Models(IEnumerable<ITransformer> foldModels)
        => foldModels.Select(m => ((IEnumerable<ITransformer>)m).Last()).Cast<MlpPredictionTransformer>().Select(t => t.Model);

    [Fact]
    public void IrisWithEveryOptionAtItsDefaultCrossValidatesAbove96Percent()
    {
        var ml = new MLContext(seed: 0);
        var iris = TestData.Iris.Load(ml);
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(iris).Transform(iris);
        var pipeline = ml.Transforms.NormalizeMeanVariance("Features").Append(ml.MulticlassClassification.Trainers.Mlp());
        var folds = ml.MulticlassClassification.CrossValidate(data, pipeline, numberOfFolds: 5);
        double accuracy = folds.Average(f => f.Metrics.MicroAccuracy);
        Assert.True(accuracy >= 0.96, $"mean accuracy {accuracy:P1}");
        // Trained until converged: far more than the ten epochs a fixed default ran, and no more than the limit.
        Assert.All(Models(folds.Select(f => f.Model)), m =>
        {
            Assert.Contains(m.StopReason, new[] { StopReason.Converged, StopReason.ReachedLimit });
            Assert.InRange(m.History.Count, 20, TrainingDefaults.MaximumNumberOfEpochs);
        });
    }

    [Fact]
    public void BreastCancerWithEveryOptionAtItsDefaultReachesAuc0985()
    {
        var ml = new MLContext(seed: 0);
        var pipeline = ml.Transforms.NormalizeMeanVariance("Features").Append(ml.BinaryClassification.Trainers.Mlp());
        var folds = ml.BinaryClassification.CrossValidateNonCalibrated(TestData.BreastCancer.Load(ml), pipeline, numberOfFolds: 5);
        double auc = folds.Average(f => f.Metrics.AreaUnderRocCurve), accuracy = folds.Average(f => f.Metrics.Accuracy);
        Assert.True(auc >= 0.985, $"mean AUC {auc:F4}");
        Assert.True(accuracy >= 0.95, $"mean accuracy {accuracy:P1}");
    }

    /// <summary>Training diabetes (442 noisy rows) until converged without a penalty fits its noise (R² 0.37 at 200
    /// epochs, 0.2 at 1,000); the default penalty keeps it near the linear trainers' level.</summary>
    [Fact]
    public void DiabetesWithEveryOptionAtItsDefaultExplainsMoreThan45PercentOfTheVariance()
    {
        var ml = new MLContext(seed: 0);
        var pipeline = ml.Transforms.NormalizeMeanVariance("Features").Append(ml.Regression.Trainers.Mlp());
        var folds = ml.Regression.CrossValidate(TestData.Diabetes.Load(ml), pipeline, numberOfFolds: 5);
        double r2 = folds.Average(f => f.Metrics.RSquared);
        Assert.True(r2 >= 0.45, $"mean R² {r2:F3}");
    }

    [Fact]
    public void TheDefaultPenaltyIsThreeExamplesWorthOnlyWhenTrainingSmallDataUntilConvergedWithNoOtherPenalty()
    {
        Assert.Equal(3f / 400, MlpDefaults.L2RegularizationFor(new MlpRegressionOptions(), 400, sparseFeatures: null));
        Assert.Equal(3f / 10_000, MlpDefaults.L2RegularizationFor(new MlpMulticlassOptions(), 10_000, sparseFeatures: null));
        // More rows, a fixed length, a penalty of the user's (0 included) or another kind of penalty: none added.
        Assert.Equal(0f, MlpDefaults.L2RegularizationFor(new MlpMulticlassOptions(), 10_001, sparseFeatures: null));
        Assert.Equal(0f, MlpDefaults.L2RegularizationFor(new MlpRegressionOptions { NumberOfEpochs = 50 }, 400, sparseFeatures: null));
        Assert.Equal(0f, MlpDefaults.L2RegularizationFor(new MlpRegressionOptions { L2Regularization = 0f }, 400, sparseFeatures: null));
        Assert.Equal(0.5f, MlpDefaults.L2RegularizationFor(new MlpRegressionOptions { L2Regularization = 0.5f }, 400, sparseFeatures: null));
        Assert.Equal(0f, MlpDefaults.L2RegularizationFor(new MlpRegressionOptions { WeightDecay = 1e-2f }, 400, sparseFeatures: null));
        Assert.Equal(0f, MlpDefaults.L2RegularizationFor(new MlpRegressionOptions { Optimizer = new AdamOptimizer(weightDecay: 1e-4f) }, 400, sparseFeatures: null));
        Assert.Equal(0f, MlpDefaults.L2RegularizationFor(new MlpRegressionOptions { Optimizer = new AdamWOptimizer() }, 400, sparseFeatures: null));
        // Sparse features whose first layer is wide (a text vocabulary into 128 units) keep their lazy update: no default
        // penalty, an explicit one still applies. A first layer of at most 2^20 weights gets the default penalty.
        Assert.Equal(0f, MlpDefaults.L2RegularizationFor(new MlpRegressionOptions(), 400, sparseFeatures: 8_193));
        Assert.Equal(0.5f, MlpDefaults.L2RegularizationFor(new MlpRegressionOptions { L2Regularization = 0.5f }, 400, sparseFeatures: 100_000));
        Assert.Equal(3f / 400, MlpDefaults.L2RegularizationFor(new MlpRegressionOptions(), 400, sparseFeatures: 8_192));
        Assert.Equal(3f / 400, MlpDefaults.L2RegularizationFor(new MlpRegressionOptions { HiddenLayers = [16] }, 400, sparseFeatures: 65_536));
        Assert.Equal(0f, MlpDefaults.L2RegularizationFor(new MlpRegressionOptions { HiddenLayers = [16] }, 400, sparseFeatures: 65_537));
    }

    [Fact]
    public void TheLogStatesThePenaltyARunUsed()
    {
        var ml = new MLContext(seed: 0);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source.Contains("Mlp", StringComparison.Ordinal)) lock (messages) messages.Add(e.RawMessage); };
        var data = ml.Transforms.NormalizeMeanVariance("Features").Fit(TestData.Diabetes.Load(ml)).Transform(TestData.Diabetes.Load(ml));
        var logger = new RecordingLogger();
        ml.Regression.Trainers.Mlp(new MlpRegressionOptions { HiddenLayers = [8], Logger = logger }).Fit(data);
        // 442 rows: the penalty is chosen by cross-validation among 1, 3, 10 and 30 examples' worth.
        float lambda = (float)logger.Entries[^1].Values["L2Regularization"]!;
        Assert.Contains(lambda, MlpDefaults.L2PenaltyExamplesGrid.Select(e => e / 442));
        Assert.Contains(messages, m => m.Contains("L2 regularization λ = " + lambda.ToString("G3", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public void AnExplicitNumberOfEpochsRunsExactlyThatManyAndCompletes()
    {
        var ml = new MLContext(seed: 0);
        var iris = TestData.Iris.Load(ml);
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(iris).Transform(iris);
        var model = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { NumberOfEpochs = 3, LearningRate = 1e-9f }).Fit(data).Model;
        // The loss does not move at this rate, yet the run is not cut short: a fixed length is not a convergence rule.
        Assert.Equal(3, model.History.Count);
        Assert.Equal(StopReason.Completed, model.StopReason);
        // The default batch for 150 rows is 32: five steps per epoch.
        Assert.All(model.History, h => Assert.Equal(5, h.Steps));
    }

    [Fact]
    public void ALargeDataSetTrainedUntilConvergedTakesBatchesLargeEnoughForTenEpochsWithinTheStepLimit()
    {
        // 70,000 rows: batches of 32 would give the 20,000-step limit 9.1 epochs; batches of 35 give it ten, 2,000 steps
        // each. A fixed number of epochs keeps batches of 32.
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.SignalAndNoise(70_000, seed: 3));

        var untilConverged = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [8] }).Fit(data).Model;
        var fixedLength = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [8], NumberOfEpochs = 1 }).Fit(data).Model;

        Assert.All(untilConverged.History, h => Assert.Equal(2_000, h.Steps));
        Assert.Equal(2_188, Assert.Single(fixedLength.History).Steps);
    }

    [Fact]
    public void TheCatalogsSimpleOverloadDefaultsToTrainingUntilConverged()
    {
        var ml = new MLContext(seed: 0);
        var trainer = ml.Regression.Trainers.Mlp();
        Assert.Null(trainer.Options.NumberOfEpochs);
        Assert.Null(trainer.Options.BatchSize);
        var fixedLength = ml.Regression.Trainers.Mlp(numberOfEpochs: 4, batchSize: 8);
        Assert.Equal(4, fixedLength.Options.NumberOfEpochs);
        Assert.Equal(8, fixedLength.Options.BatchSize);
    }
}
