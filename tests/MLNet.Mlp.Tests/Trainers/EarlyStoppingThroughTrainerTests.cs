using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// Early stopping through the ML.NET trainer on a constructed overfitting case (a wide network on 60 noisy rows): it
/// stops exactly Patience epochs after the best validation loss, and the returned model IS the best epoch's model,
/// bit for bit equal to one trained for exactly that many epochs with the same seed.
/// </summary>
public class EarlyStoppingThroughTrainerTests
{
    private const int Patience = 3;

    private static MlpBinaryOptions Options(int epochs, EarlyStopping? stopping, float? validationFraction = null) => new()
    {
        HiddenLayers = [64, 64],
        NumberOfEpochs = epochs,
        LearningRate = 0.01f,
        BatchSize = 8,
        Seed = 5,
        EarlyStopping = stopping,
        ValidationFraction = validationFraction,
    };

    [Fact]
    public void StopsPatienceEpochsAfterTheBestValidationLossAndReturnsTheBestEpochsModel()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.NoisyLinear(60, seed: 21));
        var validation = ml.Data.LoadFromEnumerable(SyntheticData.NoisyLinear(400, seed: 22));
        var stopped = ml.BinaryClassification.Trainers.Mlp(Options(200, new EarlyStopping { Patience = Patience, RestoreBestWeights = true })).Fit(train, validation);

        var history = stopped.Model.History;
        var losses = history.Select(h => h.ValidationLoss!.Value).ToArray();
        int best = Array.IndexOf(losses, losses.Min()) + 1;
        Assert.True(history.Count < 200, "the overfitting case must trigger early stopping");
        Assert.True(best > 1, $"validation loss should first improve (best epoch {best})");
        Assert.Equal(best + Patience, history.Count);
        Assert.Equal(Enumerable.Range(1, history.Count), history.Select(h => h.Epoch));

        // Same seed, exactly `best` epochs, no early stopping: the same weights bit for bit and the same scores.
        var reference = ml.BinaryClassification.Trainers.Mlp(Options(best, null)).Fit(train, validation);
        ModelWeights.AssertIdentical(reference.Model, stopped.Model);
        Assert.Equal(losses[best - 1], reference.Model.History[^1].ValidationLoss);
        Assert.Equal(reference.Transform(validation).GetColumn<float>("Score"), stopped.Transform(validation).GetColumn<float>("Score"));

        // And not the last epoch's weights.
        var last = ml.BinaryClassification.Trainers.Mlp(Options(history.Count, null)).Fit(train, validation);
        Assert.NotEqual(ModelWeights.Of(last.Model), ModelWeights.Of(stopped.Model));
    }

    [Fact]
    public void ValidationFractionHoldsOutRowsForEarlyStoppingAndRestoresTheBestEpoch()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.NoisyLinear(120, seed: 23));
        var stopped = ml.BinaryClassification.Trainers.Mlp(Options(200, new EarlyStopping { Patience = Patience }, validationFraction: 0.5f)).Fit(data);

        var history = stopped.Model.History;
        Assert.All(history, h => Assert.NotNull(h.ValidationLoss));
        var losses = history.Select(h => h.ValidationLoss!.Value).ToArray();
        int best = Array.IndexOf(losses, losses.Min()) + 1;
        Assert.True(history.Count < 200);
        Assert.Equal(best + Patience, history.Count);

        var reference = ml.BinaryClassification.Trainers.Mlp(Options(best, null, validationFraction: 0.5f)).Fit(data);
        ModelWeights.AssertIdentical(reference.Model, stopped.Model);
    }

    [Fact]
    public void WithoutRestoringTheModelKeepsTheLastEpochsWeights()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.NoisyLinear(60, seed: 21));
        var validation = ml.Data.LoadFromEnumerable(SyntheticData.NoisyLinear(400, seed: 22));
        var stopped = ml.BinaryClassification.Trainers.Mlp(Options(200, new EarlyStopping { Patience = Patience, RestoreBestWeights = false })).Fit(train, validation);
        var last = ml.BinaryClassification.Trainers.Mlp(Options(stopped.Model.History.Count, null)).Fit(train, validation);
        ModelWeights.AssertIdentical(last.Model, stopped.Model);
    }
}
