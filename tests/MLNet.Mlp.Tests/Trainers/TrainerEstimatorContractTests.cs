using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// The three trainers are ML.NET <see cref="ITrainerEstimator{TTransformer, TModel}"/>s: generic code written against
/// that interface (and its <see cref="TrainerInfo"/>) takes them as it takes ML.NET's own trainers.
/// </summary>
public class TrainerEstimatorContractTests
{
    /// <summary>Generic code of the kind an ML.NET user writes once for any trainer: normalize when the trainer says it
    /// needs it, cache when it asks for a cache, fit, and return the typed model.</summary>
    private static TModel FitAnyTrainer<TTransformer, TModel>(MLContext ml, ITrainerEstimator<TTransformer, TModel> trainer, IDataView data, List<string> steps)
        where TTransformer : class, IPredictionTransformer<TModel>
        where TModel : class
    {
        IEstimator<ITransformer> pipeline = new EstimatorChain<ITransformer>();
        if (trainer.Info.NeedNormalization)
        {
            pipeline = pipeline.Append(ml.Transforms.NormalizeMinMax("Features"));
            steps.Add("normalize");
        }
        if (trainer.Info.WantCaching)
        {
            pipeline = pipeline.AppendCacheCheckpoint(ml);
            steps.Add("cache");
        }
        var chain = pipeline.Append(trainer).Fit(data);
        return chain.LastTransformer.Model;
    }

    [Fact]
    public void GenericCodeOverITrainerEstimatorTakesEachMlpTrainerAndSeesItNeedsNormalizationButNoCache()
    {
        var ml = new MLContext(seed: 1);
        var steps = new List<string>();

        var binary = FitAnyTrainer(ml, ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [4], NumberOfEpochs = 1 }),
            TestData.BreastCancer.Load(ml), steps);
        var regression = FitAnyTrainer(ml, ml.Regression.Trainers.Mlp(new MlpRegressionOptions { HiddenLayers = [4], NumberOfEpochs = 1 }),
            TestData.Diabetes.Load(ml), steps);
        var iris = TestData.Iris.Load(ml);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(iris).Transform(iris);
        var multiclass = FitAnyTrainer(ml, ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [4], NumberOfEpochs = 1 }),
            keyed, steps);

        Assert.Equal(["normalize", "normalize", "normalize"], steps);
        Assert.Equal(30, binary.FeatureCount);
        Assert.Equal(10, regression.FeatureCount);
        Assert.Equal(4, multiclass.FeatureCount);
    }

    [Fact]
    public void SdcaAndMlpGoThroughTheSameGenericCode()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.BreastCancer.Load(ml);
        var mlpSteps = new List<string>();
        var sdcaSteps = new List<string>();

        var mlp = FitAnyTrainer(ml, ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [4], NumberOfEpochs = 1 }), data, mlpSteps);
        var sdca = FitAnyTrainer(ml, ml.BinaryClassification.Trainers.SdcaNonCalibrated(maximumNumberOfIterations: 1), data, sdcaSteps);

        Assert.IsType<MlpModelParameters>(mlp);
        Assert.IsType<LinearBinaryModelParameters>(sdca);
        // The difference is the trainers' own answer: SDCA reads the data many times and asks for a cache, the MLP reads it once.
        Assert.Equal(["normalize"], mlpSteps);
        Assert.Equal(["normalize", "cache"], sdcaSteps);
    }

    /// <summary>What the README says ML.NET's internals rule out, checked so that the README is corrected when an ML.NET
    /// upgrade lifts it: the non-generic overload looks for an internal interface on the last transformer.</summary>
    [Fact]
    public void NonGenericPermutationFeatureImportanceStillRefusesATrainerFromOutsideMLNet()
    {
        var ml = new MLContext(seed: 1);
        var iris = TestData.Iris.Load(ml);
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [4], NumberOfEpochs = 1 }))
            .Fit(iris);

        var error = Assert.ThrowsAny<ArgumentException>(() => ml.MulticlassClassification.PermutationFeatureImportance(model, iris, permutationCount: 1));

        Assert.Contains("does not have a compatible predictor", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, ml.MulticlassClassification.PermutationFeatureImportance(model.LastTransformer, model.Take(1).Single().Transform(iris), permutationCount: 1).Length);
    }
}
