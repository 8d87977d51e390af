using Microsoft.ML;
using MLNet.Mlp.Activations;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>Validation data and warm starts must describe the same classes and architecture as the training run.</summary>
public class ConsistencyWithTrainingTests
{
    private sealed class LabelValue { public float Label { get; set; } }

    private static (IDataView Forward, IDataView Reversed) IrisKeyedTwoWays(MLContext ml)
    {
        var raw = TestData.Iris.Load(ml);
        IDataView Keyed(float[] order) => ml.Data.Cache(ml.Transforms.Conversion
            .MapValueToKey("Label", keyData: ml.Data.LoadFromEnumerable(order.Select(v => new LabelValue { Label = v })))
            .Fit(raw).Transform(raw));
        return (Keyed([0f, 1f, 2f]), Keyed([2f, 1f, 0f]));
    }

    private static MlpMulticlassTrainer Trainer(MLContext ml) => ml.MulticlassClassification.Trainers.Mlp(
        new MlpMulticlassOptions { HiddenLayers = [8], NumberOfEpochs = 3, LearningRate = 0.05f });

    [Fact]
    public void ValidationDataKeyedInAnotherClassOrderIsRejected()
    {
        var ml = new MLContext(seed: 1);
        var (forward, reversed) = IrisKeyedTwoWays(ml);
        var e = Assert.Throws<ArgumentException>(() => Trainer(ml).Fit(forward, reversed));
        Assert.Contains("validation data", e.Message);
        Assert.Contains("maps its 3 classes to keys differently", e.Message);
    }

    [Fact]
    public void WarmStartOnDataKeyedInAnotherClassOrderIsRejected()
    {
        var ml = new MLContext(seed: 1);
        var (forward, reversed) = IrisKeyedTwoWays(ml);
        var first = Trainer(ml).Fit(forward);
        var e = Assert.Throws<ArgumentException>(() => Trainer(ml).Fit(reversed, first.Model));
        Assert.Contains("maps its 3 classes to keys differently", e.Message);
        // The same keying continues normally.
        Assert.Equal(6, Trainer(ml).Fit(forward, first.Model).Model.History.Count);
    }

    [Fact]
    public void WarmStartWithAnotherActivationOrDropoutIsRejected()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.Cache(ml.Transforms.NormalizeMeanVariance("Features").Fit(TestData.Diabetes.Load(ml)).Transform(TestData.Diabetes.Load(ml)));
        MlpRegressionTrainer Trainer(IActivation activation, float dropout) => ml.Regression.Trainers.Mlp(
            new MlpRegressionOptions { HiddenLayers = [8], NumberOfEpochs = 1, Activation = activation, DropoutRate = dropout });
        var first = Trainer(Activation.Relu, 0.1f).Fit(data);
        Assert.Contains("architecture", Assert.Throws<ArgumentException>(() => Trainer(Activation.Tanh, 0.1f).Fit(data, first.Model)).Message);
        Assert.Contains("architecture", Assert.Throws<ArgumentException>(() => Trainer(Activation.Relu, 0.5f).Fit(data, first.Model)).Message);
        Assert.Equal(2, Trainer(Activation.Relu, 0.1f).Fit(data, first.Model).Model.History.Count);
    }
}
