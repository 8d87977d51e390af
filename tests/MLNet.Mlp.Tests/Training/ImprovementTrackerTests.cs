using MLNet.Mlp.Schedules;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Training;

public class ImprovementTrackerTests
{
    private static ImprovementCriterion Criterion(PlateauMode mode = PlateauMode.Min, double threshold = 0,
        PlateauThresholdMode thresholdMode = PlateauThresholdMode.Absolute, int patience = 1)
        => new(mode, threshold, thresholdMode, patience);

    [Fact]
    public void WithoutABestAnyNumberImprovesButNaNNeverDoes()
    {
        var tracker = new ImprovementTracker();
        Assert.True(double.IsNaN(tracker.Best));
        Assert.False(tracker.Report(double.NaN, Criterion()));
        Assert.Equal(1, tracker.ReportsWithoutImprovement);
        Assert.True(tracker.Report(double.PositiveInfinity, Criterion()));
        Assert.Equal((double.PositiveInfinity, 0), (tracker.Best, tracker.ReportsWithoutImprovement));
        Assert.True(tracker.Report(5.0, Criterion()));
    }

    [Theory]
    [InlineData(PlateauMode.Min, PlateauThresholdMode.Absolute, 0.89, true)]
    [InlineData(PlateauMode.Min, PlateauThresholdMode.Absolute, 0.9, false)]   // not beyond best − θ
    [InlineData(PlateauMode.Min, PlateauThresholdMode.Relative, 0.89, true)]
    [InlineData(PlateauMode.Min, PlateauThresholdMode.Relative, 0.9001, false)] // not below best·(1 − θ)
    [InlineData(PlateauMode.Max, PlateauThresholdMode.Absolute, 1.11, true)]
    [InlineData(PlateauMode.Max, PlateauThresholdMode.Absolute, 1.1, false)]
    [InlineData(PlateauMode.Max, PlateauThresholdMode.Relative, 1.11, true)]
    [InlineData(PlateauMode.Max, PlateauThresholdMode.Relative, 1.0999, false)]
    public void AnImprovementMustBeatTheBestByTheThreshold(PlateauMode mode, PlateauThresholdMode thresholdMode, double value, bool improves)
    {
        var tracker = new ImprovementTracker(1.0, 0);
        Assert.Equal(improves, tracker.Report(value, Criterion(mode, 0.1, thresholdMode)));
        Assert.Equal(improves ? value : 1.0, tracker.Best);
    }

    [Fact]
    public void PatienceIsExhaustedByOneReportMoreThanItTolerates()
    {
        var criterion = Criterion(patience: 2);
        var tracker = new ImprovementTracker();
        tracker.Report(1.0, criterion);
        tracker.Report(1.0, criterion);
        tracker.Report(1.0, criterion);
        Assert.False(tracker.IsPatienceExhausted(criterion));
        tracker.Report(1.0, criterion);
        Assert.True(tracker.IsPatienceExhausted(criterion));
        tracker.RestartPatience();
        Assert.Equal((1.0, 0), (tracker.Best, tracker.ReportsWithoutImprovement));
        Assert.False(tracker.IsPatienceExhausted(criterion));
    }

    [Fact]
    public void CloneIsIndependent()
    {
        var tracker = new ImprovementTracker(2.0, 3);
        var copy = tracker.Clone();
        tracker.Report(1.0, Criterion());
        Assert.Equal((2.0, 3), (copy.Best, copy.ReportsWithoutImprovement));
    }

    [Fact]
    public void InvalidSettingsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Criterion(patience: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Criterion(threshold: -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Criterion(threshold: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Criterion(mode: (PlateauMode)5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImprovementTracker(1.0, -1));
    }
}
