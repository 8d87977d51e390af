using Microsoft.ML;
using MLNet.Mlp.Activations;
using MLNet.Mlp.Initializers;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// With no <see cref="MlpOptionsBase.Initializer"/> set the trainers start every dense layer from Glorot uniform (Keras's
/// and scikit-learn's default), whatever the activation; one set in the options starts every dense layer.
/// </summary>
public class DefaultInitializerTests
{
    private static IReadOnlyList<DenseLayer> DenseLayers(MLContext ml, MlpMulticlassOptions options)
    {
        var wine = TestData.Wine.Load(ml);
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(wine).Transform(wine);
        options.NumberOfEpochs = 1;
        var model = ml.MulticlassClassification.Trainers.Mlp(options).Fit(data).Model;
        return [.. model.Layers.OfType<DenseLayer>()];
    }

    [Theory]
    [InlineData("ReLU", false)]
    [InlineData("GELU", false)]
    [InlineData("ReLU", true)]
    [InlineData("Tanh", false)]
    public void EveryDenseLayerStartsFromGlorotUniformWhenNoInitializerIsSet(string activation, bool batchNormalization)
    {
        var layers = DenseLayers(new MLContext(seed: 0), new MlpMulticlassOptions
        {
            HiddenLayers = [16, 8],
            Activation = activation switch { "ReLU" => Activation.Relu, "GELU" => Activation.Gelu, _ => Activation.Tanh },
            BatchNormalization = batchNormalization,
        });
        Assert.Equal(3, layers.Count);
        Assert.All(layers, l => Assert.Same(WeightInitializers.XavierUniform, l.Initializer));
    }

    [Fact]
    public void AnInitializerSetInTheOptionsStartsEveryDenseLayer()
    {
        var layers = DenseLayers(new MLContext(seed: 0), new MlpMulticlassOptions { HiddenLayers = [16], Initializer = WeightInitializers.HeUniform });
        Assert.Equal(2, layers.Count);
        Assert.All(layers, l => Assert.Same(WeightInitializers.HeUniform, l.Initializer));
    }
}
