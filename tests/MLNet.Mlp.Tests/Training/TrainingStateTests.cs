using MLNet.Mlp.Losses;
using MLNet.Mlp.Metrics;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Schedules;
using MLNet.Mlp.Training;
using static MLNet.Mlp.Tests.Training.TrainingFixtures;

namespace MLNet.Mlp.Tests.Training;

public class TrainingStateTests
{
    private static TrainingOptions PlateauOptions(int epochs, ReduceOnPlateauSchedule? schedule = null) => new()
    {
        Loss = new CategoricalCrossEntropyLoss(), Optimizer = new AdamOptimizer(), LearningRate = 0.05f, Epochs = epochs,
        BatchSize = 10, Seed = 3, MaxThreads = 1, Metric = new AccuracyMetric(),
        Schedule = schedule ?? new ReduceOnPlateauSchedule(factor: 0.5f, patience: 0, threshold: 0.5),
    };

    private static void AssertSame(TrainingState expected, TrainingState actual)
    {
        Assert.True(BitIdentical(expected.Network.Parameters.Span, actual.Network.Parameters.Span));
        Assert.True(BitIdentical(expected.Network.State.Span, actual.Network.State.Span));
        Assert.Equal(expected.OptimizerName, actual.OptimizerName);
        Assert.Equal(expected.OptimizerState!.BufferCount, actual.OptimizerState!.BufferCount);
        for (int b = 0; b < expected.OptimizerState.BufferCount; b++)
            Assert.True(BitIdentical(expected.OptimizerState.Buffer(b), actual.OptimizerState.Buffer(b)));
        Assert.Equal(expected.Step, actual.Step);
        Assert.Equal(expected.EpochsCompleted, actual.EpochsCompleted);
        Assert.Equal(expected.Plateau?.ToArray(), actual.Plateau?.ToArray());
        // Everything but the wall-clock time.
        Assert.Equal(expected.History.Select(r => r with { Seconds = 0 }), actual.History.Select(r => r with { Seconds = 0 }));
    }

    [Fact]
    public void CloneCopiesEverythingAndTrainingTheCopyMatchesTrainingTheOriginal()
    {
        var data = Classification(60, 2);
        var original = new TrainingState(ClassificationNetwork(5));
        NetworkTrainer.Fit(original, data, null, PlateauOptions(4));
        Assert.NotNull(original.Plateau);
        Assert.True(original.Plateau!.ReductionCount > 0, "the schedule should have reduced the rate");

        var copy = original.Clone();
        AssertSame(original, copy);
        Assert.NotSame(original.Network, copy.Network);
        Assert.NotSame(original.OptimizerState, copy.OptimizerState);
        Assert.NotSame(original.Plateau, copy.Plateau);

        // Training the copy leaves the original untouched, and both continue identically.
        var frozen = original.Clone();
        NetworkTrainer.Fit(copy, data, null, PlateauOptions(3));
        AssertSame(frozen, original);
        NetworkTrainer.Fit(original, data, null, PlateauOptions(3));
        AssertSame(copy, original);
    }

    [Fact]
    public void ThePlateauStateLivesInTheTrainingStateSoOneScheduleTrainsSeveralModels()
    {
        var data = Classification(60, 2);
        var shared = new ReduceOnPlateauSchedule(factor: 0.5f, patience: 0, threshold: 0.5);

        // One schedule object for two interleaved trainings, each resumed: every run picks up its own plateau state.
        var a = new TrainingState(ClassificationNetwork(5));
        var b = new TrainingState(ClassificationNetwork(8));
        NetworkTrainer.Fit(a, data, null, PlateauOptions(3, shared));
        NetworkTrainer.Fit(b, data, null, PlateauOptions(2, shared));
        NetworkTrainer.Fit(a, data, null, PlateauOptions(3, shared));
        NetworkTrainer.Fit(b, data, null, PlateauOptions(4, shared));

        var aAlone = new TrainingState(ClassificationNetwork(5));
        NetworkTrainer.Fit(aAlone, data, null, PlateauOptions(6));
        var bAlone = new TrainingState(ClassificationNetwork(8));
        NetworkTrainer.Fit(bAlone, data, null, PlateauOptions(6));
        Assert.Equal(aAlone.History.Select(r => r.LearningRate), a.History.Select(r => r.LearningRate));
        Assert.True(BitIdentical(aAlone.Network.Parameters.Span, a.Network.Parameters.Span));
        Assert.True(BitIdentical(bAlone.Network.Parameters.Span, b.Network.Parameters.Span));
        Assert.Equal(aAlone.Plateau!.ToArray(), a.Plateau!.ToArray());
        Assert.True(a.History.Select(r => r.LearningRate).Distinct().Count() > 1, "the rate should have been reduced");
    }

    [Fact]
    public void ThePlateauStateRoundTripsThroughItsFlatForm()
    {
        var state = new TrainingState(ClassificationNetwork(5));
        Assert.Null(state.Plateau);
        NetworkTrainer.Fit(state, Classification(60, 2), null, PlateauOptions(3));
        double[] flat = state.Plateau!.ToArray();

        var restored = new TrainingState(state.Network.Clone()) { Plateau = PlateauState.FromArray(flat) };
        Assert.Equal(flat, restored.Plateau!.ToArray());
        Assert.Throws<ArgumentException>(() => PlateauState.FromArray([1, 2]));
    }

    [Fact]
    public void WithoutAPlateauScheduleThereIsNoPlateauState()
    {
        var state = new TrainingState(ClassificationNetwork(5));
        NetworkTrainer.Fit(state, Classification(30, 2), null, new TrainingOptions { Loss = new CategoricalCrossEntropyLoss(), Epochs = 2 });
        Assert.Null(state.Plateau);
    }
}
