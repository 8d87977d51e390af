using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// Bad settings fail early and say what is wrong: each invalid value when it is set (naming the option), invalid
/// combinations when the trainer is created, data-dependent mistakes before the first epoch, and schema mistakes at
/// <c>Transform</c>/<c>GetOutputSchema</c>.
/// </summary>
public class OptionsValidationTests
{
    [Fact]
    public void EveryInvalidValueThrowsAnArgumentExceptionNamingTheOptionWhenSet()
    {
        var cases = new (string Option, Action Set)[]
        {
            ("LearningRate", () => new MlpMulticlassOptions { LearningRate = 0f }),
            ("LearningRate", () => new MlpMulticlassOptions { LearningRate = -0.1f }),
            ("LearningRate", () => new MlpMulticlassOptions { LearningRate = float.NaN }),
            ("LearningRate", () => new MlpMulticlassOptions { LearningRate = float.PositiveInfinity }),
            ("BatchSize", () => new MlpMulticlassOptions { BatchSize = 0 }),
            ("NumberOfEpochs", () => new MlpMulticlassOptions { NumberOfEpochs = 0 }),
            ("NumberOfEpochs", () => new MlpMulticlassOptions { NumberOfEpochs = -3 }),
            ("L2Regularization", () => new MlpMulticlassOptions { L2Regularization = -1e-3f }),
            ("L2Regularization", () => new MlpMulticlassOptions { L2Regularization = float.NaN }),
            ("WeightDecay", () => new MlpMulticlassOptions { WeightDecay = -1f }),
            ("GradientClipValue", () => new MlpMulticlassOptions { GradientClipValue = 0f }),
            ("GradientClipNorm", () => new MlpMulticlassOptions { GradientClipNorm = -1f }),
            ("DropoutRate", () => new MlpMulticlassOptions { DropoutRate = 1f }),
            ("DropoutRate", () => new MlpMulticlassOptions { DropoutRate = -0.1f }),
            ("NumberOfThreads", () => new MlpMulticlassOptions { NumberOfThreads = 0 }),
            ("ValidationFraction", () => new MlpMulticlassOptions { ValidationFraction = 0f }),
            ("ValidationFraction", () => new MlpMulticlassOptions { ValidationFraction = 1f }),
            ("HiddenLayers", () => new MlpMulticlassOptions { HiddenLayers = [8, 0] }),
            ("HiddenLayers", () => new MlpMulticlassOptions { HiddenLayers = null! }),
            ("LabelColumnName", () => new MlpMulticlassOptions { LabelColumnName = "" }),
            ("FeatureColumnName", () => new MlpMulticlassOptions { FeatureColumnName = "  " }),
            ("ExampleWeightColumnName", () => new MlpMulticlassOptions { ExampleWeightColumnName = "" }),
            ("Activation", () => new MlpMulticlassOptions { Activation = null! }),
            ("Optimizer", () => new MlpMulticlassOptions { Optimizer = null! }),
            ("Schedule", () => new MlpMulticlassOptions { Schedule = null! }),
            ("ClassWeights", () => new MlpMulticlassOptions { ClassWeights = [] }),
            ("ClassWeights", () => new MlpMulticlassOptions { ClassWeights = [1f, -1f] }),
            ("ClassWeights", () => new MlpMulticlassOptions { ClassWeights = [1f, float.NaN] }),
            ("PositiveInstanceWeight", () => new MlpBinaryOptions { PositiveInstanceWeight = 0f }),
            ("PositiveInstanceWeight", () => new MlpBinaryOptions { PositiveInstanceWeight = float.PositiveInfinity }),
        };
        foreach (var (option, set) in cases)
        {
            var e = Assert.ThrowsAny<ArgumentException>(set);
            Assert.True(e.ParamName == option, $"setting {option}: ParamName '{e.ParamName}', message '{e.Message}'");
        }
    }

    [Fact]
    public void InvalidCombinationsAreRejectedWhenTheTrainerIsCreated()
    {
        var ml = new MLContext(seed: 1);
        var cases = new (string Option, Func<object> Create)[]
        {
            ("FeatureColumnName", () => ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { FeatureColumnName = "X", LabelColumnName = "X" })),
            ("ExampleWeightColumnName", () => ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { ExampleWeightColumnName = "Label" })),
            ("BatchNormalization", () => ml.Regression.Trainers.Mlp(new MlpRegressionOptions { HiddenLayers = [], BatchNormalization = true })),
            ("DropoutRate", () => ml.Regression.Trainers.Mlp(new MlpRegressionOptions { HiddenLayers = [], DropoutRate = 0.5f })),
            ("Patience", () => ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { EarlyStopping = new EarlyStopping { Patience = 0 } })),
            ("MinDelta", () => ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { EarlyStopping = new EarlyStopping { MinDelta = -1 } })),
        };
        foreach (var (option, create) in cases)
        {
            var e = Assert.ThrowsAny<ArgumentException>(create);
            Assert.True(e.ParamName == option, $"{option}: ParamName '{e.ParamName}', message '{e.Message}'");
        }
        // The options object alone accepts each of these values: only the combination is wrong.
        _ = new MlpRegressionOptions { HiddenLayers = [], BatchNormalization = false };
    }

    [Fact]
    public void FormerOptionNamesStillSetTheRenamedOptions()
    {
#pragma warning disable CS0618 // the obsolete names under test
        var multiclass = new MlpMulticlassOptions { MaxThreads = 3 };
        Assert.Equal(3, multiclass.NumberOfThreads);
        Assert.Equal(3, multiclass.MaxThreads);
        var threads = Assert.ThrowsAny<ArgumentException>(() => new MlpMulticlassOptions { MaxThreads = 0 });
        var binary = new MlpBinaryOptions { PositiveClassWeight = 2.5f };
        Assert.Equal(2.5f, binary.PositiveInstanceWeight);
        Assert.Equal(2.5f, binary.PositiveClassWeight);
        var weight = Assert.ThrowsAny<ArgumentException>(() => new MlpBinaryOptions { PositiveClassWeight = 0f });
#pragma warning restore CS0618
        Assert.Equal(nameof(MlpOptionsBase.NumberOfThreads), threads.ParamName);
        Assert.Equal(nameof(MlpBinaryOptions.PositiveInstanceWeight), weight.ParamName);
    }

    [Fact]
    public void ClassWeightsOfTheWrongLengthAreRejectedBeforeAnyTraining()
    {
        var ml = new MLContext(seed: 1);
        var data = KeyedIris(ml);
        int epochs = 0;
        var trainer = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { ClassWeights = [1f, 2f], EpochCompleted = _ => epochs++ });
        var e = Assert.ThrowsAny<ArgumentException>(() => trainer.Fit(data));
        Assert.Contains("ClassWeights has 2 values", e.Message, StringComparison.Ordinal);
        Assert.Contains("3 classes", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, epochs);
    }

    [Fact]
    public void MulticlassOnANonKeyLabelTellsTheUserToAddMapValueToKey()
    {
        var ml = new MLContext(seed: 1);
        var iris = TestData.Iris.Load(ml);
        var options = new MlpMulticlassOptions { HiddenLayers = [4], NumberOfEpochs = 1 };

        // The trainer alone.
        var direct = Assert.ThrowsAny<ArgumentException>(() => ml.MulticlassClassification.Trainers.Mlp(options).Fit(iris));
        Assert.Contains("MapValueToKey", direct.Message, StringComparison.Ordinal);

        // The estimator's schema propagation.
        var shape = Assert.ThrowsAny<ArgumentException>(() => ml.MulticlassClassification.Trainers.Mlp(options).GetOutputSchema(Shapes.Of(iris.Schema)));
        Assert.Contains("MapValueToKey", shape.Message, StringComparison.Ordinal);

        // Inside a pipeline, whatever ML.NET calls first.
        var pipeline = ml.Transforms.NormalizeMinMax("Features").Append(ml.MulticlassClassification.Trainers.Mlp(options));
        var inChain = Assert.ThrowsAny<ArgumentException>(() => pipeline.Fit(iris));
        Assert.Contains("MapValueToKey", inChain.Message, StringComparison.Ordinal);

        // A text label too.
        var text = SyntheticData.IrisWithStringLabels(ml);
        var onText = Assert.ThrowsAny<ArgumentException>(() => ml.MulticlassClassification.Trainers.Mlp(options).Fit(text));
        Assert.Contains("MapValueToKey", onText.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BinaryAndRegressionRejectWrongLabelTypesWithTheExpectedType()
    {
        var ml = new MLContext(seed: 1);
        var iris = TestData.Iris.Load(ml);
        var binary = Assert.ThrowsAny<ArgumentException>(() => ml.BinaryClassification.Trainers.Mlp(numberOfEpochs: 1).Fit(iris));
        Assert.Contains("Boolean", binary.Message, StringComparison.Ordinal);
        var cancer = TestData.BreastCancer.Load(ml);
        var regression = Assert.ThrowsAny<ArgumentException>(() => ml.Regression.Trainers.Mlp(numberOfEpochs: 1).Fit(cancer));
        Assert.Contains("Single", regression.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FeatureVectorOfAnotherLengthIsRejectedAtTransformAndGetOutputSchema()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.MulticlassClassification.Trainers.Mlp(hiddenLayers: [4], numberOfEpochs: 1).Fit(KeyedIris(ml));
        var threeFeatures = ml.Data.LoadFromEnumerable(
            [new ThreeFeatures { Features = [1f, 2f, 3f] }]);

        var atTransform = Assert.ThrowsAny<ArgumentException>(() => model.Transform(threeFeatures));
        Assert.Contains("'Features' has 3 values, but the model was trained on 4", atTransform.Message, StringComparison.Ordinal);
        var atSchema = Assert.ThrowsAny<ArgumentException>(() => model.GetOutputSchema(threeFeatures.Schema));
        Assert.Contains("trained on 4", atSchema.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => model.GetRowToRowMapper(threeFeatures.Schema));
    }

    [Fact]
    public void NaNInTheTrainingFeaturesNamesTheRowAndTheSlot()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.SignalAndNoise(20, seed: 3);
        rows[7].Features[1] = float.NaN;
        var e = Assert.Throws<InvalidOperationException>(() => ml.BinaryClassification.Trainers.Mlp(numberOfEpochs: 1).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("Row 7", e.Message, StringComparison.Ordinal);
        Assert.Contains("slot 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("ReplaceMissingValues", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingColumnsAreNamedWithTheAvailableColumns()
    {
        var ml = new MLContext(seed: 1);
        var data = KeyedIris(ml);
        var e = Assert.ThrowsAny<ArgumentException>(() => ml.MulticlassClassification.Trainers.Mlp(featureColumnName: "Pixels", numberOfEpochs: 1).Fit(data));
        Assert.Contains("'Pixels'", e.Message, StringComparison.Ordinal);
        var w = Assert.ThrowsAny<ArgumentException>(() => ml.MulticlassClassification.Trainers.Mlp(exampleWeightColumnName: "Weight", numberOfEpochs: 1).Fit(data));
        Assert.Contains("'Weight'", w.Message, StringComparison.Ordinal);
    }

    private static IDataView KeyedIris(MLContext ml)
    {
        var iris = TestData.Iris.Load(ml);
        return ml.Transforms.Conversion.MapValueToKey("Label").Fit(iris).Transform(iris);
    }

    private sealed class ThreeFeatures
    {
        [VectorType(3)] public float[] Features { get; set; } = [];
    }
}
