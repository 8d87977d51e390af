using Microsoft.ML;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Metrics;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Custom;

/// <summary>A user's own optimizer, schedule and activation, written in this (another) assembly, train like built-in ones.</summary>
public class PluggableComponentTests
{
    private static TrainingData Xor() => new([0, 0, 0, 1, 1, 0, 1, 1], 2, [0, 1, 1, 0], 1);

    [Fact]
    public void CustomOptimizerScheduleAndActivationSolveXor()
    {
        var net = new Network(2, new DenseLayer(8, new SoftsignActivation()), new DenseLayer(1, MLNet.Mlp.Activations.Activation.Sigmoid));
        net.Initialize(3);
        var lossBefore = NetworkTrainer.EvaluateLoss(net, Xor(), new BinaryCrossEntropyLoss());
        var result = NetworkTrainer.Fit(net, Xor(), null, new TrainingOptions
        {
            Loss = new BinaryCrossEntropyLoss(),
            Optimizer = new SignSgdOptimizer(),
            Schedule = new TriangularCyclicSchedule(halfCycle: 50, minFactor: 0.2f),
            ScheduleUnit = ScheduleUnit.Step,
            LearningRate = 0.02f,
            Epochs = 600,
            BatchSize = 4,
            Metric = new AccuracyMetric(),
        });
        Assert.Equal(1.0, result.History[^1].TrainingMetric);
        Assert.True(result.History[^1].TrainingLoss < lossBefore / 4, $"loss {lossBefore} → {result.History[^1].TrainingLoss}");
        // The schedule drove the learning rate: epoch e (one step each) used the triangular value at t = e − 1.
        var schedule = new TriangularCyclicSchedule(50, 0.2f);
        for (int e = 0; e < 120; e++)
            Assert.Equal(schedule.GetLearningRate(0.02f, e), result.History[e].LearningRate);
    }

    [Fact]
    public void CustomComponentsPlugIntoTheMLNetTrainer()
    {
        var ml = new MLContext(seed: 0);
        var data = TestData.Iris.Load(ml);
        var model = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions
            {
                HiddenLayers = [16],
                Activation = new SoftsignActivation(),
                Optimizer = new SignSgdOptimizer(),
                Schedule = new TriangularCyclicSchedule(halfCycle: 4),
                LearningRate = 0.01f,
                NumberOfEpochs = 40,
                BatchSize = 16,
            }))
            .Fit(data);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(data));
        Assert.True(metrics.MicroAccuracy > 0.9, $"accuracy {metrics.MicroAccuracy}");
    }
}
