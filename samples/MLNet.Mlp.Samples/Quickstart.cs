using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Datasets;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Samples;

/// <summary>
/// The first README command: the whole ML.NET pipeline on the embedded MNIST subset — load, key-map, train an MLP
/// with the trainer's defaults, evaluate with ML.NET's metrics, print the confusion matrix, save with ml.Model.Save,
/// load it back with ml.Model.Load and predict a few images. The training progress is the trainer's own messages on
/// ml.Log.
/// </summary>
public static class Quickstart
{
    public static int Run(string[] args)
    {
        int? epochs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : null;
        string outputDirectory = args.Length > 1 ? args[1] : Directory.GetCurrentDirectory();
        var result = Train(epochs, outputDirectory, Console.Out);
        return result.Accuracy > 0.5 ? 0 : 1;
    }

    public sealed record Result(double Accuracy, string ModelPath, int AgreeingPredictions, int CheckedPredictions);

    /// <summary>Runs the quickstart.</summary>
    /// <param name="epochs">Passes over the data, or null for the trainer's default.</param>
    /// <param name="outputDirectory">Where the model is saved.</param>
    /// <param name="output">Where the progress and results are written.</param>
    public static Result Train(int? epochs, string outputDirectory, TextWriter output)
    {
        var ml = new MLContext(seed: 0);
        // The trainer reports to its context's log, like ML.NET's own trainers: rows read, each epoch, warnings.
        ml.Log += (_, e) =>
        {
            if (e.Source.StartsWith("Mlp", StringComparison.Ordinal) && e.Kind != Microsoft.ML.Runtime.ChannelMessageKind.Trace)
                output.WriteLine($"  {e.RawMessage}");
        };
        string dir = SampleData.SubsetDirectory;
        var train = ml.Data.LoadFromIdx(Path.Combine(dir, "train-images-idx3-ubyte.gz"), Path.Combine(dir, "train-labels-idx1-ubyte.gz"));
        var test = ml.Data.LoadFromIdx(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
        output.WriteLine($"MNIST subset: {train.GetRowCount()} training and {test.GetRowCount()} test images of 28×28 pixels in [0, 1].");

        var clock = Stopwatch.StartNew();
        // The defaults (one hidden layer of 128 ReLU units, Adam) with a tenth of the rows held out for validation.
        var options = new MlpMulticlassOptions { ValidationFraction = 0.1f };
        if (epochs is int count) options.NumberOfEpochs = count;
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(ml.MulticlassClassification.Trainers.Mlp(options))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        output.WriteLine("Training 784 → 128 ReLU → 10 softmax with the trainer's defaults (Adam):");
        var model = pipeline.Fit(train);
        output.WriteLine($"Trained in {clock.Elapsed.TotalSeconds:F1} s.");

        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
        output.WriteLine($"Test accuracy (micro) {metrics.MicroAccuracy:P2}, macro {metrics.MacroAccuracy:P2}, log-loss {metrics.LogLoss:F4}.");
        output.WriteLine(metrics.ConfusionMatrix.GetFormattedConfusionTable());

        Directory.CreateDirectory(outputDirectory);
        string path = Path.Combine(outputDirectory, "mnist-mlp.zip");
        ml.Model.Save(model, train.Schema, path);
        output.WriteLine($"Saved the whole pipeline to {path} ({new FileInfo(path).Length / 1024} KB).");

        var loaded = new MLContext(seed: 0).Model.Load(path, out _);
        var original = model.Transform(test).GetColumn<float>("PredictedLabel").Take(10).ToArray();
        var reloaded = loaded.Transform(test).GetColumn<float>("PredictedLabel").Take(10).ToArray();
        var actual = test.GetColumn<float>("Label").Take(10).ToArray();
        output.WriteLine("Loaded it back with ml.Model.Load; the first ten test images:");
        output.WriteLine($"  label      {string.Join(' ', actual)}");
        output.WriteLine($"  predicted  {string.Join(' ', reloaded)}");
        int agree = original.Zip(reloaded).Count(p => p.First == p.Second);
        output.WriteLine($"  {agree}/{original.Length} predictions identical before and after saving.");
        return new Result(metrics.MicroAccuracy, path, agree, original.Length);
    }
}
