using Microsoft.ML;
using MLNet.Mlp.Tests.Trainers;
using MLNet.Mlp.Trainers;
using static MLNet.Mlp.Tests.Robustness.RobustnessData;

namespace MLNet.Mlp.Tests.Robustness;

/// <summary>Two trainers training at once in one process, on different MLContexts, do not interfere: each gets the weights it gets alone.</summary>
public class ConcurrentTrainingTests
{
    private static MlpModelParameters TrainMulticlass()
    {
        var ml = new MLContext(seed: 1);
        var data = KeyedWithThreeClasses(ml, ml.Data.LoadFromEnumerable(Wide(600, seed: 2)));
        return ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions
        {
            HiddenLayers = [32], NumberOfEpochs = 4, BatchNormalization = true, DropoutRate = 0.1f, Seed = 3, Context = ml, ValidationFraction = 0.2f,
        }).Fit(data).Model;
    }

    private static MlpModelParameters TrainRegression()
    {
        var ml = new MLContext(seed: 2);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.TwoTargets(600, seed: 4));
        return ml.Regression.Trainers.Mlp(new MlpRegressionOptions { HiddenLayers = [24, 12], NumberOfEpochs = 4, Seed = 5, Context = ml }).Fit(data).Model;
    }

    [Fact]
    public void TwoTrainersOnDifferentContextsTrainingAtOnceGiveTheWeightsTheyGiveAlone()
    {
        var aloneMulticlass = TrainMulticlass();
        var aloneRegression = TrainRegression();

        for (int repeat = 0; repeat < 2; repeat++)
        {
            MlpModelParameters? multiclass = null, regression = null;
            using var start = new Barrier(2);
            var a = new Thread(() => { start.SignalAndWait(); multiclass = TrainMulticlass(); });
            var b = new Thread(() => { start.SignalAndWait(); regression = TrainRegression(); });
            a.Start();
            b.Start();
            a.Join();
            b.Join();
            ModelWeights.AssertIdentical(aloneMulticlass, multiclass!);
            ModelWeights.AssertIdentical(aloneRegression, regression!);
        }

        // The same task twice at once, too (the shared static helpers are the likeliest place for interference).
        MlpModelParameters? first = null, second = null;
        var t1 = new Thread(() => first = TrainMulticlass());
        var t2 = new Thread(() => second = TrainMulticlass());
        t1.Start();
        t2.Start();
        t1.Join();
        t2.Join();
        ModelWeights.AssertIdentical(aloneMulticlass, first!);
        ModelWeights.AssertIdentical(aloneMulticlass, second!);
    }
}
