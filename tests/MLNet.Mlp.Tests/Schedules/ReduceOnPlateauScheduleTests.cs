using MLNet.Mlp.Schedules;

namespace MLNet.Mlp.Tests.Schedules;

public class ReduceOnPlateauScheduleTests
{
    /// <summary>A schedule with the state of one training, reported to as the trainer does.</summary>
    private sealed class Plateau(ReduceOnPlateauSchedule schedule)
    {
        public ReduceOnPlateauSchedule Schedule { get; } = schedule;

        public PlateauState State { get; set; } = schedule.CreateState();

        public double Best => State.Improvement.Best;

        public int BadReports => State.Improvement.ReportsWithoutImprovement;

        public int ReductionCount => State.ReductionCount;

        public void Report(double value) => Schedule.Report(State, value);

        public float GetLearningRate(float baseLearningRate, long t) => Schedule.GetLearningRate(baseLearningRate, t, State);
    }

    private static Plateau New(ILearningRateSchedule? inner = null, PlateauMode mode = PlateauMode.Min, float factor = 0.1f,
        int patience = 10, double threshold = 1e-4, PlateauThresholdMode thresholdMode = PlateauThresholdMode.Relative,
        int cooldown = 0, float minLearningRate = 0f)
        => new(new ReduceOnPlateauSchedule(inner, mode, factor, patience, threshold, thresholdMode, cooldown, minLearningRate));

    private static float Rate(Plateau s, long t = 0) => s.GetLearningRate(0.1f, t);

    [Fact]
    public void ReducesOnlyAfterMoreThanPatienceBadReports()
    {
        var s = New(factor: 0.5f, patience: 2);
        s.Report(1.0);                       // improvement over +∞
        s.Report(1.0); s.Report(1.0);        // 2 bad reports: not more than the patience
        Assert.Equal(0.1f, Rate(s));
        s.Report(1.0);                       // 3rd bad report: reduce
        Assert.Equal(0.1 * 0.5, Rate(s), 1e-7);
        Assert.Equal(1, s.ReductionCount);
        Assert.Equal(0, s.BadReports);
        s.Report(0.5);                       // an improvement resets the count
        s.Report(0.6); s.Report(0.6);
        Assert.Equal(1, s.ReductionCount);
        s.Report(0.6);
        Assert.Equal(0.1 * 0.5 * 0.5, Rate(s), 1e-7);
    }

    [Fact]
    public void RelativeThreshold_IgnoresSmallImprovements()
    {
        var s = New(patience: 0, threshold: 0.01);
        s.Report(1.0);
        s.Report(0.995);                     // not below 1.0·(1 − 0.01) = 0.99: bad, patience 0 → reduce
        Assert.Equal(1.0, s.Best);
        Assert.Equal(0.01, Rate(s), 1e-8);
        s.Report(0.985);                     // below 0.99: improvement
        Assert.Equal(0.985, s.Best);
        Assert.Equal(1, s.ReductionCount);
    }

    [Fact]
    public void AbsoluteThreshold_IgnoresSmallImprovements()
    {
        var s = New(patience: 5, threshold: 0.1, thresholdMode: PlateauThresholdMode.Absolute);
        s.Report(1.0);
        s.Report(0.95);                      // not below 1.0 − 0.1
        Assert.Equal((1.0, 1), (s.Best, s.BadReports));
        s.Report(0.89);
        Assert.Equal((0.89, 0), (s.Best, s.BadReports));
    }

    [Fact]
    public void Cooldown_DelaysCounting()
    {
        var s = New(patience: 0, cooldown: 2);
        s.Report(1.0);
        int[] reductions = new int[5];
        for (int k = 0; k < 5; k++)
        {
            s.Report(2.0);
            reductions[k] = s.ReductionCount;
        }

        // reduce, cooldown 2 (two ignored reports), reduce, cooldown …
        Assert.Equal([1, 1, 1, 2, 2], reductions);
        Assert.Equal(0.1 * 0.1 * 0.1, Rate(s), 1e-9);
    }

    [Fact]
    public void MinLearningRate_IsAFloor()
    {
        var s = New(patience: 0, minLearningRate: 0.005f);
        s.Report(1.0);
        s.Report(1.0);
        Assert.Equal(0.01f, Rate(s), 1e-8f);
        s.Report(1.0);
        Assert.Equal(0.005f, Rate(s));       // max(0.001, 0.005)
        s.Report(1.0);
        Assert.Equal(0.005f, Rate(s));
    }

    [Fact]
    public void MaxMode_TreatsHigherAsBetter()
    {
        var s = New(mode: PlateauMode.Max, patience: 0);
        Assert.Equal(double.NegativeInfinity, s.Best);
        s.Report(0.5);
        s.Report(0.6);                       // better
        Assert.Equal(0, s.ReductionCount);
        s.Report(0.55);                      // worse
        Assert.Equal(1, s.ReductionCount);
        Assert.Equal(0.6, s.Best);
    }

    [Fact]
    public void NaN_CountsAsABadReport()
    {
        var s = New(patience: 1);
        s.Report(1.0);
        s.Report(double.NaN);
        Assert.Equal(1, s.BadReports);
        Assert.Equal(1.0, s.Best);
    }

    [Fact]
    public void MultipliesTheInnerSchedule()
    {
        var s = New(new StepDecaySchedule(10, 0.5f), patience: 0, factor: 0.2f);
        s.Report(1.0);
        s.Report(1.0);
        Assert.Equal(0.1 * 0.5 * 0.2, s.GetLearningRate(0.1f, 15), 1e-8);
    }

    [Fact]
    public void State_RoundTrips_AndResumedRunMatchesUninterrupted()
    {
        double[] reports = [1.0, 0.9, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85, 0.7];
        var uninterrupted = New(factor: 0.5f, patience: 1, cooldown: 1, minLearningRate: 0.001f);
        var first = New(factor: 0.5f, patience: 1, cooldown: 1, minLearningRate: 0.001f);
        foreach (double r in reports[..5]) { uninterrupted.Report(r); first.Report(r); }
        double[] saved = first.State.ToArray();
        Assert.Equal(5, saved.Length);

        var resumed = New(factor: 0.5f, patience: 1, cooldown: 1, minLearningRate: 0.001f);
        resumed.State = PlateauState.FromArray(saved);
        Assert.Equal(saved, resumed.State.ToArray());
        foreach (double r in reports[5..])
        {
            uninterrupted.Report(r);
            resumed.Report(r);
            Assert.Equal(uninterrupted.State.ToArray(), resumed.State.ToArray());
            Assert.Equal(Rate(uninterrupted), Rate(resumed));
        }

        Assert.True(uninterrupted.ReductionCount >= 2);
        resumed.State = resumed.Schedule.CreateState();
        Assert.Equal(new ReduceOnPlateauSchedule().CreateState().ToArray(), resumed.State.ToArray());
        Assert.Equal(0.1f, Rate(resumed));
    }

    [Fact]
    public void FromArray_RejectsForeignStates()
    {
        Assert.Throws<ArgumentException>(() => PlateauState.FromArray([1, 2, 3]));
        Assert.Throws<ArgumentException>(() => PlateauState.FromArray([1, -1, 0, 1, 0]));
        Assert.Throws<ArgumentException>(() => PlateauState.FromArray([1, 0, 0, 2, 0]));
        Assert.Throws<ArgumentNullException>(() => PlateauState.FromArray(null!));
    }

    [Fact]
    public void OneScheduleDrivesIndependentStates()
    {
        // The schedule is settings only: two trainings sharing it keep their own best, counts and reductions.
        var schedule = new ReduceOnPlateauSchedule(factor: 0.5f, patience: 0);
        PlateauState a = schedule.CreateState(), b = schedule.CreateState();
        schedule.Report(a, 1.0);
        schedule.Report(a, 1.0);                                 // a: one bad report > patience 0 → reduce
        schedule.Report(b, 2.0);                                 // b: a first improvement only
        Assert.Equal((1, 0), (a.ReductionCount, b.ReductionCount));
        Assert.Equal(0.05f, schedule.GetLearningRate(0.1f, 0, a));
        Assert.Equal(0.1f, schedule.GetLearningRate(0.1f, 0, b));
        Assert.Equal(0.1f, schedule.GetLearningRate(0.1f, 0));  // without a state: no reduction
        Assert.Equal(2.0, b.Improvement.Best);
    }

    [Fact]
    public void Clone_EvolvesIndependently()
    {
        var schedule = new ReduceOnPlateauSchedule(patience: 0);
        var state = schedule.CreateState();
        schedule.Report(state, 1.0);
        var copy = state.Clone();
        schedule.Report(state, 2.0);
        Assert.Equal(1, state.ReductionCount);
        Assert.Equal([1.0, 0, 0, 1.0, 0], copy.ToArray());
    }
}
