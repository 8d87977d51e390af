using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MLNet.Mlp.Activations;
using MLNet.Mlp.Initializers;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Samples;

/// <summary>
/// The network and training set-up of the classic Keras MNIST example, shared by the tutorial, optimizer and schedule
/// samples: 784 → Dense(128, ReLU) → Dense(10, softmax), SGD with learning rate 0.01, batch size 20, validation on
/// the test images after every epoch.
/// </summary>
public static class KerasMnist
{
    /// <summary>The Keras example's options: SGD (lr 0.01), batch 20, Keras's default Glorot-uniform initialization.</summary>
    public static MlpMulticlassOptions Options(int epochs, int seed = 0, int? threads = null) => new()
    {
        HiddenLayers = [128],
        Activation = Activation.Relu,
        Initializer = WeightInitializers.XavierUniform, // Keras's Dense default (glorot_uniform); biases start at 0
        Optimizer = new SgdOptimizer(),
        LearningRate = 0.01f,
        BatchSize = 20,
        NumberOfEpochs = epochs,
        Seed = seed,
        NumberOfThreads = threads,
    };

    /// <summary>The training and test views with the label mapped to a key (classes in value order 0..9).</summary>
    public sealed record Prepared(MnistData Data, ITransformer KeyMap, IDataView Train, IDataView Test);

    public static Prepared Prepare(MLContext ml, MnistData data)
    {
        var keyMap = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(data.Train);
        return new Prepared(data, keyMap, keyMap.Transform(data.Train), keyMap.Transform(data.Test));
    }

    /// <summary>One trained network: the ML.NET transformer, its per-epoch history and the test-set metrics.</summary>
    public sealed record Run(MlpMulticlassPredictionTransformer Model, IReadOnlyList<EpochRecord> History, MulticlassClassificationMetrics Metrics, double Seconds)
    {
        public double Accuracy => Metrics.MicroAccuracy;
    }

    /// <summary>
    /// Trains with the test set as validation data (as Keras's <c>validation_data</c>: it is only measured, never
    /// used to choose anything), then evaluates with ML.NET's multiclass metrics.
    /// </summary>
    public static Run Train(MLContext ml, Prepared prepared, MlpMulticlassOptions options)
    {
        var clock = Stopwatch.StartNew();
        var model = ml.MulticlassClassification.Trainers.Mlp(options).Fit(prepared.Train, prepared.Test);
        double seconds = clock.Elapsed.TotalSeconds;
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(prepared.Test));
        return new Run(model, model.Model.History, metrics, seconds);
    }

    /// <summary>A progress line per epoch, Keras style.</summary>
    public static Action<EpochRecord> Progress(TextWriter output, int epochs, string prefix = "") => e => output.WriteLine(
        $"{prefix}epoch {e.Epoch,2}/{epochs}  loss {e.TrainingLoss:F4}  accuracy {e.TrainingMetric:P2}  " +
        $"val_loss {e.ValidationLoss:F4}  val_accuracy {e.ValidationMetric:P2}  lr {e.LearningRate:G3}  {e.Seconds:F1} s");

}
