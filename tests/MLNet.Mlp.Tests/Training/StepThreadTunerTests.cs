using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Training;

/// <summary>The per-epoch probe alternates all cores and one core, then keeps one of the two.</summary>
public class StepThreadTunerTests
{
    [Fact]
    public void WithOneThreadAllowedEveryStepUsesOneThread()
    {
        var tuner = new StepThreadTuner(1);
        tuner.StartEpoch();
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(1, tuner.BeginStep());
            tuner.EndStep();
        }
    }

    [Fact]
    public void EachEpochProbesBothSettingsInAlternatingBlocksThenKeepsOne()
    {
        var tuner = new StepThreadTuner(2);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            tuner.StartEpoch();
            var seen = new List<int>();
            for (int i = 0; i < 100; i++)
            {
                seen.Add(tuner.BeginStep());
                tuner.EndStep();
            }
            Assert.Equal(Enumerable.Repeat(2, 8).Concat(Enumerable.Repeat(1, 8)).Concat(Enumerable.Repeat(2, 8)).Concat(Enumerable.Repeat(1, 8)), seen.Take(32));
            Assert.Single(seen.Skip(32).Distinct());
            Assert.Contains(seen[32], new[] { 1, 2 });
        }
    }

    [Fact]
    public void AProbeLongerThanAnEpochGoesOnInTheNextEpochAndThenSettles()
    {
        var tuner = new StepThreadTuner(2);
        var seen = new List<int>();
        for (int epoch = 0; epoch < 10; epoch++)
        {
            tuner.StartEpoch();
            for (int i = 0; i < 10; i++)   // 10 steps per epoch, fewer than the 32-step probe
            {
                seen.Add(tuner.BeginStep());
                tuner.EndStep();
            }
        }
        Assert.Equal(Enumerable.Repeat(2, 8).Concat(Enumerable.Repeat(1, 8)).Concat(Enumerable.Repeat(2, 8)).Concat(Enumerable.Repeat(1, 8)), seen.Take(32));
        Assert.Single(seen.Skip(32).Take(8).Distinct());
    }

    [Theory]
    [InlineData(100, 150, 2)]
    [InlineData(150, 100, 1)]
    public void KeepsTheSettingWithTheFasterMedianStep(long multiTicks, long singleTicks, int expected)
    {
        var clock = new ScriptedClock(threads => threads == 2 ? multiTicks : singleTicks);
        Assert.Equal(expected, ProbeThenChoose(clock));
    }

    [Fact]
    public void OneStalledStepDoesNotDecideTheEpoch()
    {
        // All cores are faster (100 against 150 ticks), but one step on all cores stalls for 40 steps' time.
        int multiSteps = 0;
        var clock = new ScriptedClock(threads => threads == 2 ? (++multiSteps == 3 ? 4000 : 100) : 150);
        Assert.Equal(2, ProbeThenChoose(clock));
    }

    [Fact]
    public void AfterOneCoreWinsTheProbeRunsAgainWithinTheEpochAndCanSwitchBack()
    {
        // One core is faster during the first probe only (a burst on the other core), all cores afterwards.
        int step = 0;
        var clock = new ScriptedClock(threads => step < 32 ? (threads == 1 ? 100 : 150) : (threads == 1 ? 150 : 100));
        var tuner = new StepThreadTuner(2, clock.Read);
        tuner.StartEpoch();
        var seen = new List<int>();
        for (; step < 400; step++)
        {
            clock.Threads = tuner.BeginStep();
            seen.Add(clock.Threads);
            tuner.EndStep();
        }

        Assert.All(seen.Skip(32).Take(128), threads => Assert.Equal(1, threads));
        Assert.Equal(seen.Take(32), seen.Skip(160).Take(32));   // the same alternating probe again
        Assert.All(seen.Skip(192), threads => Assert.Equal(2, threads));
    }

    [Fact]
    public void WhenAllCoresWinTheEpochKeepsThemWithoutProbingAgain()
    {
        var clock = new ScriptedClock(threads => threads == 2 ? 100 : 150);
        var tuner = new StepThreadTuner(2, clock.Read);
        tuner.StartEpoch();
        var seen = new List<int>();
        for (int step = 0; step < 1000; step++)
        {
            clock.Threads = tuner.BeginStep();
            seen.Add(clock.Threads);
            tuner.EndStep();
        }

        Assert.All(seen.Skip(32), threads => Assert.Equal(2, threads));
    }

    private static int ProbeThenChoose(ScriptedClock clock)
    {
        var tuner = new StepThreadTuner(2, clock.Read);
        tuner.StartEpoch();
        for (int i = 0; i < 32; i++)
        {
            clock.Threads = tuner.BeginStep();
            tuner.EndStep();
        }
        return tuner.BeginStep();
    }

    /// <summary>A clock read once as a step begins and once as it ends; in between, the step takes the scripted time for its thread count.</summary>
    private sealed class ScriptedClock(Func<int, long> stepTicks)
    {
        private long _now;
        private bool _inStep;

        public int Threads { get; set; }

        public long Read()
        {
            if (_inStep) _now += stepTicks(Threads);
            _inStep = !_inStep;
            return _now;
        }
    }
}
