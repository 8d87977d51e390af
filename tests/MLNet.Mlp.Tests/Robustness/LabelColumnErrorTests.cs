using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Tests.Trainers;
using MLNet.Mlp.Trainers;
using static MLNet.Mlp.Tests.Robustness.RobustnessData;

namespace MLNet.Mlp.Tests.Robustness;

/// <summary>
/// Label mistakes: a missing label column, training data holding a single class, and evaluation data whose label key
/// type differs from the training one. (Wrong label types with the MapValueToKey advice, missing keys and empty data are
/// covered by OptionsValidationTests and TrainingDataHandlingTests.)
/// </summary>
public class LabelColumnErrorTests
{
    [Fact]
    public void MissingLabelColumnIsNamedWithTheAvailableColumnsAtFitAndInSchemaPropagation()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.SignalAndNoise(10, seed: 1));
        var trainer = ml.BinaryClassification.Trainers.Mlp(labelColumnName: "Target", numberOfEpochs: 1);
        var e = Assert.ThrowsAny<ArgumentException>(() => trainer.Fit(data));
        Assert.Contains("Label column 'Target' was not found", e.Message, StringComparison.Ordinal);
        Assert.Contains("Available columns: Features, Label", e.Message, StringComparison.Ordinal);
        var shape = Assert.ThrowsAny<ArgumentException>(() => trainer.GetOutputSchema(Shapes.Of(data.Schema)));
        Assert.Contains("'Target'", shape.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MulticlassTrainingDataWithASingleClassIsRejectedNamingTheClass()
    {
        var ml = new MLContext(seed: 1);
        var oneBand = SyntheticData.Bands(200, seed: 2).Where(r => r.Label == 1f).ToArray();
        var data = KeyedWithThreeClasses(ml, ml.Data.LoadFromEnumerable(oneBand));
        int epochs = 0;
        var e = Assert.Throws<InvalidOperationException>(() =>
            ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [4], NumberOfEpochs = 1, EpochCompleted = _ => epochs++ }).Fit(data));
        Assert.Contains($"Every one of the {oneBand.Length} training rows has the class '1' (key 2) in label column 'Label'", e.Message, StringComparison.Ordinal);
        Assert.Contains("at least two distinct classes", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, epochs);
    }

    [Fact]
    public void BinaryTrainingDataWithOneLabelValueIsRejected()
    {
        var ml = new MLContext(seed: 1);
        var allTrue = SyntheticData.SignalAndNoise(50, seed: 2).Where(r => r.Label).ToArray();
        var e = Assert.Throws<InvalidOperationException>(() => ml.BinaryClassification.Trainers.Mlp(numberOfEpochs: 1).Fit(ml.Data.LoadFromEnumerable(allTrue)));
        Assert.Contains($"Every one of the {allTrue.Length} training rows has label true in column 'Label'", e.Message, StringComparison.Ordinal);
        Assert.Contains("needs both classes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WarmStartOnASingleClassOnlyWarnsAndAbsentClassesAreReported()
    {
        var ml = new MLContext(seed: 1);
        var log = CaptureMlpLog(ml);
        var twoBands = KeyedWithThreeClasses(ml, ml.Data.LoadFromEnumerable(SyntheticData.Bands(200, seed: 2).Where(r => r.Label != 2f).ToArray()));
        var logger = new RecordingLogger();
        MlpMulticlassOptions Options() => new() { HiddenLayers = [4], NumberOfEpochs = 1, Logger = logger, Context = ml };
        var first = ml.MulticlassClassification.Trainers.Mlp(Options()).Fit(twoBands);
        Assert.Contains(log, m => m.Contains("1 of 3 classes never occur in the training data: '2' (key 3)", StringComparison.Ordinal));

        // Fine-tuning on a batch of one class is legitimate: a warning, not an error.
        var oneBand = KeyedWithThreeClasses(ml, ml.Data.LoadFromEnumerable(SyntheticData.Bands(200, seed: 3).Where(r => r.Label == 0f).ToArray()));
        var continued = ml.MulticlassClassification.Trainers.Mlp(Options()).Fit(oneBand, first.Model);
        Assert.Equal(2, continued.Model.History.Count);
        Assert.Contains(logger.At(LogLevel.Warning), w => w.Message.Contains("one class ('0' (key 1))", StringComparison.Ordinal));
    }

    [Fact]
    public void EvaluationLabelKeyedWithAnotherClassCountIsRejectedAtTransform()
    {
        // ML.NET's evaluator does not check this itself: with 4 label keys against a 3-slot Score it silently reports metrics.
        var ml = new MLContext(seed: 1);
        var model = ml.MulticlassClassification.Trainers.Mlp(hiddenLayers: [4], numberOfEpochs: 1)
            .Fit(KeyedWithThreeClasses(ml, ml.Data.LoadFromEnumerable(SyntheticData.Bands(60, seed: 1))));
        var testRaw = ml.Data.LoadFromEnumerable(SyntheticData.Bands(20, seed: 2).Select((r, i) => new SyntheticData.FloatLabelRow { Features = r.Features, Label = i % 4 }));
        var fourKeys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(testRaw).Transform(testRaw);

        var e = Assert.ThrowsAny<ArgumentException>(() => ml.MulticlassClassification.Evaluate(model.Transform(fourKeys)));
        Assert.Contains("Label column 'Label' is a key type with 4 values, but the model was trained on 3 classes", e.Message, StringComparison.Ordinal);
        Assert.Contains("MapValueToKey transformer fitted on the training data", e.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => model.GetOutputSchema(fourKeys.Schema));
    }

    [Fact]
    public void EvaluationLabelKeyedInAnotherClassOrderIsRejectedAndTheSameMappingIsAccepted()
    {
        var ml = new MLContext(seed: 1);
        var trainRaw = ml.Data.LoadFromEnumerable(SyntheticData.Bands(90, seed: 1));
        var keyToTrain = KeyedWithThreeClasses(ml, trainRaw);
        var model = ml.MulticlassClassification.Trainers.Mlp(hiddenLayers: [4], numberOfEpochs: 1).Fit(keyToTrain);

        var testRaw = ml.Data.LoadFromEnumerable(SyntheticData.Bands(30, seed: 2));
        var reversed = ml.Data.LoadFromEnumerable(new[] { 2f, 1f, 0f }.Select(v => new KeyRow { Value = v }));
        var otherOrder = ml.Transforms.Conversion.MapValueToKey("Label", keyData: reversed).Fit(testRaw).Transform(testRaw);
        var e = Assert.ThrowsAny<ArgumentException>(() => model.Transform(otherOrder));
        Assert.Contains("maps its 3 classes to keys differently", e.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 1, 0] here, [0, 1, 2] in training", e.Message, StringComparison.Ordinal);

        // The same mapping (the usual pipeline) and data without a label both pass.
        var sameMapping = KeyedWithThreeClasses(ml, testRaw);
        // Evaluated against the same keys the model predicts: the micro accuracy is the share of rows whose
        // predicted key equals the label's key (a mismatched mapping would count other rows).
        var scored = model.Transform(sameMapping);
        var labels = scored.GetColumn<uint>("Label").ToArray();
        var predicted = scored.GetColumn<uint>("PredictedLabel").ToArray();
        double share = labels.Zip(predicted).Count(p => p.First == p.Second) / (double)labels.Length;
        Assert.Equal(share, ml.MulticlassClassification.Evaluate(scored).MicroAccuracy, 12);
        var noLabel = ml.Transforms.DropColumns("Label").Fit(sameMapping).Transform(sameMapping);
        Assert.Equal(30, model.Transform(noLabel).GetColumn<uint>("PredictedLabel").Count());
    }
}
