using MLNet.Mlp.Losses;
using MLNet.Mlp.Training;
using static MLNet.Mlp.Tests.Training.TrainingFixtures;

namespace MLNet.Mlp.Tests.Training;

/// <summary>Progress within an epoch (<see cref="TrainingOptions.ProgressReported"/>): rows, steps and the loss so far.</summary>
public class EpochProgressTests
{
    [Fact]
    public void EachReportCountsTheRowsAndStepsSoFarAndTheLastOneEqualsTheEpochsRecord()
    {
        var reports = new List<EpochProgress>();
        var result = NetworkTrainer.Fit(ClassificationNetwork(3), Classification(100, 1), null, new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), LearningRate = 0.01f, Epochs = 2, BatchSize = 30,
            ProgressInterval = TimeSpan.Zero, ProgressReported = reports.Add,
        });
        // 100 rows in batches of 30: 30, 60, 90, 100 rows after the four steps of each epoch.
        Assert.Equal(8, reports.Count);
        Assert.Equal([30, 60, 90, 100, 30, 60, 90, 100], reports.Select(r => r.RowsTrained));
        Assert.Equal([1, 2, 3, 4, 1, 2, 3, 4], reports.Select(r => r.Steps));
        Assert.All(reports, r => Assert.Equal(100, r.Rows));
        Assert.Equal([1, 1, 1, 1, 2, 2, 2, 2], reports.Select(r => r.Epoch));
        Assert.Equal(result.History[0].TrainingLoss, reports[3].TrainingLoss, 12);
        Assert.Equal(result.History[1].TrainingLoss, reports[7].TrainingLoss, 12);
    }

    [Fact]
    public void AnEpochShorterThanTheIntervalReportsNothingAndANegativeIntervalIsRefused()
    {
        var reports = new List<EpochProgress>();
        var options = new TrainingOptions
        {
            Loss = new CategoricalCrossEntropyLoss(), LearningRate = 0.01f, Epochs = 2, BatchSize = 30,
            ProgressInterval = TimeSpan.FromHours(1), ProgressReported = reports.Add,
        };
        NetworkTrainer.Fit(ClassificationNetwork(3), Classification(100, 1), null, options);
        Assert.Empty(reports);
        var invalid = new TrainingOptions { Loss = new CategoricalCrossEntropyLoss(), ProgressInterval = TimeSpan.FromSeconds(-1) };
        var e = Assert.Throws<ArgumentOutOfRangeException>(invalid.Validate);
        Assert.Equal(nameof(TrainingOptions.ProgressInterval), e.ParamName);
    }
}
