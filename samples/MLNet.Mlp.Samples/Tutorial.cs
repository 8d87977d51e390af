using Microsoft.ML;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Samples;

/// <summary>
/// The classic Keras MNIST tutorial, reproduced: MNIST pixels in [0, 1], 784 → Dense(128, ReLU) → Dense(10, softmax),
/// SGD with learning rate 0.01, sparse categorical cross-entropy, batch size 20, 10 epochs, validation on the 10,000
/// test images; then a plot of the training and validation loss per epoch (loss.png).
/// </summary>
public static class Tutorial
{
    public sealed record Result(double TestAccuracy, double TestLogLoss, IReadOnlyList<EpochRecord> History, double TrainingSeconds, IReadOnlyList<string> Files);

    /// <summary>Command line: <c>tutorial [--data mnist|fashion|subset] [--epochs 10] [--out DIR] [--train-rows N] [--threads N]</c>.</summary>
    public static int Command(SampleArgs args)
    {
        var result = Run(args.Data(MnistChoice.Mnist), args.GetInt("--epochs") ?? 10, args.OutputDirectory, Console.Out,
            args.GetInt("--train-rows"), args.GetInt("--threads"));
        return result.TestAccuracy > 0.5 ? 0 : 1;
    }

    public static Result Run(MnistChoice data, int epochs, string outputDirectory, TextWriter output, int? trainRows = null, int? threads = null)
    {
        var ml = new MLContext(seed: 0);
        var set = MnistData.Load(ml, data, trainRows);
        output.WriteLine($"{set.Name}: {set.TrainRows:N0} training and {set.TestRows:N0} test images, 784 pixels in [0, 1].");
        var prepared = KerasMnist.Prepare(ml, set);

        var options = KerasMnist.Options(epochs, threads: threads);
        options.EpochCompleted = KerasMnist.Progress(output, epochs, "  ");
        output.WriteLine($"Training 784 → 128 ReLU → 10 softmax, SGD lr {options.LearningRate}, batch {options.BatchSize}, {epochs} epochs, validation on the test images:");
        var run = KerasMnist.Train(ml, prepared, options);

        double perEpoch = run.History.Average(e => e.Seconds);
        output.WriteLine($"Trained in {run.Seconds:F1} s ({perEpoch:F2} s per epoch, validation included).");
        output.WriteLine($"Test accuracy {run.Metrics.MicroAccuracy:P2} (macro {run.Metrics.MacroAccuracy:P2}), log-loss {run.Metrics.LogLoss:F4}.");

        string path = Plots.Lines(Path.Combine(outputDirectory, "loss.png"),
            $"{set.Name}: 784-128-10 MLP, SGD lr 0.01, batch 20 (test accuracy {run.Metrics.MicroAccuracy:P2})",
            "epoch", "cross-entropy loss",
            Plots.LossCurves(run.History, "validation loss (test images)"));
        output.WriteLine($"Wrote {path}.");
        return new Result(run.Metrics.MicroAccuracy, run.Metrics.LogLoss, run.History, run.Seconds, [path]);
    }
}
