using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Tests.Trainers;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Robustness;

/// <summary>Fewer rows than the batch size is a full-batch step, not an error. (Empty data: TrainingDataHandlingTests.)</summary>
public class SmallDataTests
{
    [Fact]
    public void FewerRowsThanTheBatchSizeTrainOneFullBatchStepPerEpoch()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.SignalAndNoise(5, seed: 1).Select((r, i) => { r.Label = i % 2 == 0; return r; }));
        var small = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [3], NumberOfEpochs = 4, BatchSize = 256, Seed = 1 }).Fit(data);
        var fullBatch = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [3], NumberOfEpochs = 4, BatchSize = 5, Seed = 1 }).Fit(data);
        Assert.All(small.Model.History, h => Assert.Equal(1, h.Steps));
        ModelWeights.AssertIdentical(fullBatch.Model, small.Model);
        Assert.All(small.Transform(data).GetColumn<float>("Probability"), p => Assert.True(float.IsFinite(p)));

        // With batch normalization too (two rows are enough for batch statistics).
        var bn = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [3], NumberOfEpochs = 2, BatchSize = 64, BatchNormalization = true }).Fit(data);
        Assert.All(bn.Model.History, h => Assert.True(double.IsFinite(h.TrainingLoss)));
    }
}
