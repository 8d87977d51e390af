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
}
