using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Tests.Trainers;
using MLNet.Mlp.Trainers;
using static MLNet.Mlp.Tests.Robustness.RobustnessData;

namespace MLNet.Mlp.Tests.Robustness;

/// <summary>
/// A feature column of the wrong type, or holding NaN/±∞, fails before training with the column, the row and slot, and
/// what was expected — or, when asked, rows with non-finite features are left out and counted. (A missing feature
/// column is covered by OptionsValidationTests.MissingColumnsAreNamedWithTheAvailableColumns.)
/// </summary>
public class FeatureColumnErrorTests
{
    [Fact]
    public void TextScalarAndVariableLengthFeatureColumnsAreRejectedNamingTheColumnAndTheExpectedType()
    {
        var ml = new MLContext(seed: 1);
        var views = new (string Kind, IDataView Data, string Says)[]
        {
            ("text", ml.Data.LoadFromEnumerable([new TextFeatureRow { Features = "a b", Label = true }, new TextFeatureRow { Features = "c", Label = false }]), "String"),
            ("scalar", ml.Data.LoadFromEnumerable([new ScalarFeatureRow { Features = 1f, Label = true }, new ScalarFeatureRow { Features = 2f, Label = false }]), "Single"),
            ("variable", ml.Data.LoadFromEnumerable([new VariableLengthRow { Features = [1f, 2f], Label = true }, new VariableLengthRow { Features = [3f], Label = false }]), "variable"),
        };
        foreach (var (kind, data, says) in views)
        {
            var trainer = ml.BinaryClassification.Trainers.Mlp(numberOfEpochs: 1);
            var atFit = Assert.ThrowsAny<ArgumentException>(() => trainer.Fit(data));
            Assert.Contains("Feature column 'Features'", atFit.Message, StringComparison.Ordinal);
            Assert.Contains(says, atFit.Message, StringComparison.Ordinal);
            Assert.True(atFit.Message.Contains("known size", StringComparison.Ordinal) || atFit.Message.Contains("vector of Single", StringComparison.Ordinal), $"{kind}: {atFit.Message}");

            // Schema propagation (what a pipeline runs before training) says the same.
            var atShape = Assert.ThrowsAny<ArgumentException>(() => trainer.GetOutputSchema(Shapes.Of(data.Schema)));
            Assert.Contains("Feature column 'Features'", atShape.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    [InlineData(float.NaN)]
    public void NonFiniteFeatureFailsByDefaultNamingTheRowSlotAndColumnBeforeAnyEpoch(float bad)
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.SignalAndNoise(30, seed: 3);
        rows[12].Features[1] = bad;
        int epochs = 0;
        var trainer = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [4], NumberOfEpochs = 2, EpochCompleted = _ => epochs++ });
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("Row 12", e.Message, StringComparison.Ordinal);
        Assert.Contains("slot 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("'Features'", e.Message, StringComparison.Ordinal);
        Assert.Contains("must be finite", e.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(MlpOptionsBase.SkipRowsWithNonFiniteFeatures), e.Message, StringComparison.Ordinal);
        Assert.Equal(0, epochs);
    }

    [Fact]
    public void SkippingNonFiniteRowsTrainsExactlyAsWithoutThemAndLogsTheCount()
    {
        var ml = new MLContext(seed: 1);
        var clean = SyntheticData.SignalAndNoise(60, seed: 4);
        var dirty = clean.ToList();
        // Dense and sparse-looking bad values, at the start, middle and end.
        dirty.Insert(0, new SyntheticData.BoolLabelRow { Features = [float.NaN, 0f], Label = true });
        dirty.Insert(30, new SyntheticData.BoolLabelRow { Features = [0.5f, float.PositiveInfinity], Label = false });
        dirty.Add(new SyntheticData.BoolLabelRow { Features = [float.NegativeInfinity, float.NaN], Label = true });

        var log = CaptureMlpLog(ml);
        var logger = new RecordingLogger();
        MlpBinaryOptions Options() => new() { HiddenLayers = [6], NumberOfEpochs = 5, BatchSize = 8, Seed = 2 };
        var skipOptions = Options();
        skipOptions.SkipRowsWithNonFiniteFeatures = true;
        skipOptions.Logger = logger;
        skipOptions.Context = ml;

        var skipped = ml.BinaryClassification.Trainers.Mlp(skipOptions).Fit(ml.Data.LoadFromEnumerable(dirty));
        var reference = ml.BinaryClassification.Trainers.Mlp(Options()).Fit(ml.Data.LoadFromEnumerable(clean));
        ModelWeights.AssertIdentical(reference.Model, skipped.Model);

        var warning = Assert.Single(logger.At(Microsoft.Extensions.Logging.LogLevel.Warning));
        Assert.Equal(3L, Convert.ToInt64(warning.Values["SkippedRows"]));
        Assert.Equal("Features", warning.Values["FeatureColumn"]);
        Assert.Contains(log, m => m.Contains("Read 60 training rows", StringComparison.Ordinal) && m.Contains("skipped 3 rows with a NaN or infinite feature", StringComparison.Ordinal));
    }

    [Fact]
    public void SkippingEveryRowIsAnErrorThatCountsBothReasons()
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 4).Select(i => new SyntheticData.BoolLabelRow { Features = [float.NaN, i], Label = i % 2 == 0 }).ToArray();
        var e = Assert.Throws<InvalidOperationException>(() =>
            ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { NumberOfEpochs = 1, SkipRowsWithNonFiniteFeatures = true }).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("no usable rows", e.Message, StringComparison.Ordinal);
        Assert.Contains("4 a NaN or infinite value in feature column 'Features'", e.Message, StringComparison.Ordinal);
    }
}
