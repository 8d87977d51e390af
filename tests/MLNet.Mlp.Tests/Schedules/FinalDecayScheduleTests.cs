using Microsoft.ML;
using MLNet.Mlp.Fitting;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Schedules;
using MLNet.Mlp.Tasks;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Schedules;

/// <summary>
/// The default schedule of a run until converged: η₀ exactly until the last fifth of the steps the run may take, then a
/// linear fall towards zero that ends with the limit; a schedule the user set, a fixed number of epochs or a continued
/// model's step count are respected.
/// </summary>
public class FinalDecayScheduleTests
{
    [Fact]
    public void TheRateIsExactlyTheBaseRateBeforeTheDecayAndFallsLinearlyAfter()
    {
        var schedule = new FinalDecaySchedule(decayStart: 800, end: 1000);
        Assert.Equal(0.001f, schedule.GetLearningRate(0.001f, 0));
        Assert.Equal(0.001f, schedule.GetLearningRate(0.001f, 799));
        Assert.Equal(0.001f, schedule.GetLearningRate(0.001f, 800));
        Assert.Equal((float)((double)0.001f * 100 / 200), schedule.GetLearningRate(0.001f, 900));
        Assert.Equal((float)((double)0.001f / 200), schedule.GetLearningRate(0.001f, 999));
        // Past the end (a run is only checked against its limit after each epoch) the last rate is kept, never zero.
        Assert.Equal((float)((double)0.001f / 200), schedule.GetLearningRate(0.001f, 1200));
    }

    [Fact]
    public void TheDecayCoversTheLastFifthOfTheStepsBeforeTheStepOrEpochLimit()
    {
        var criterion = new ConvergenceCriterion();
        // 60,000 rows in batches of 32: 1,875 steps per epoch; the 20,000-step limit ends the run after epoch 11.
        var large = FinalDecaySchedule.AtLimitOf(criterion, 60_000, 32, firstStep: 0);
        Assert.Equal(11 * 1875, large.End);
        Assert.Equal(11 * 1875 - 4125, large.DecayStart);
        // 150 rows: 5 steps per epoch; the 1,000-epoch limit comes first.
        var small = FinalDecaySchedule.AtLimitOf(criterion, 150, 32, firstStep: 0);
        Assert.Equal(5000, small.End);
        Assert.Equal(4000, small.DecayStart);
        // A continued model counts its steps on: the decay is placed after the steps it has taken.
        var continued = FinalDecaySchedule.AtLimitOf(criterion, 150, 32, firstStep: 700);
        Assert.Equal(5700, continued.End);
    }

    [Fact]
    public void ARunThatConvergesBeforeTheDecayHasTheWeightsOfAConstantRate()
    {
        var ml = new MLContext(seed: 0);
        var iris = TestData.Iris.Load(ml);
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(iris).Transform(iris);
        MlpModelParameters Train(MlpMulticlassOptions options) => ml.MulticlassClassification.Trainers.Mlp(options).Fit(data).Model;
        var byDefault = Train(new MlpMulticlassOptions { HiddenLayers = [16], L2Regularization = 0.02f, Seed = 0 });
        var constant = Train(new MlpMulticlassOptions { HiddenLayers = [16], L2Regularization = 0.02f, Seed = 0, Schedule = new ConstantSchedule() });
        Assert.Equal(StopReason.Converged, byDefault.StopReason);
        Assert.InRange(byDefault.History.Count, 1, (int)(0.8 * TrainingDefaults.MaximumNumberOfEpochs));
        Assert.All(byDefault.History, h => Assert.Equal(TrainingDefaults.LearningRate, h.LearningRate));
        Assert.Equal(Parameters(constant), Parameters(byDefault));
    }

    private static float[] Parameters(MlpModelParameters model)
        => [.. model.Layers.OfType<DenseLayer>().SelectMany(l => l.Weights.ToArray().Concat(l.Bias.ToArray()))];

    [Fact]
    public void OnlyTheDefaultScheduleOfARunUntilConvergedDecays()
    {
        var head = MlpTaskHead.Regression;
        var byDefault = EngineTrainingOptions.From(new MlpRegressionOptions(), head, 60_000, sparseFeatures: null, firstStep: 0, static _ => { });
        Assert.IsType<FinalDecaySchedule>(byDefault.Schedule);
        Assert.Equal(ScheduleUnit.Step, byDefault.ScheduleUnit);

        var constant = EngineTrainingOptions.From(new MlpRegressionOptions { Schedule = new ConstantSchedule() }, head, 60_000, sparseFeatures: null, firstStep: 0, static _ => { });
        Assert.IsType<ConstantSchedule>(constant.Schedule);
        Assert.Equal(ScheduleUnit.Epoch, constant.ScheduleUnit);

        var fixedLength = EngineTrainingOptions.From(new MlpRegressionOptions { NumberOfEpochs = 5 }, head, 60_000, sparseFeatures: null, firstStep: 0, static _ => { });
        Assert.IsType<ConstantSchedule>(fixedLength.Schedule);
        Assert.Equal(ScheduleUnit.Epoch, fixedLength.ScheduleUnit);
    }
}
