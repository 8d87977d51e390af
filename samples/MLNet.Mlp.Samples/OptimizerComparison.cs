using Microsoft.ML;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Samples;

/// <summary>
/// A comparison of optimizers: the tutorial's network and data trained with SGD, momentum, Nesterov, RMSProp,
/// Adagrad, Adam and AdamW; validation loss and accuracy per epoch, one line per optimizer
/// (optimizers-loss.png, optimizers-accuracy.png), and a table of final test accuracy and training time.
/// </summary>
public static class OptimizerComparison
{
    /// <summary>One optimizer of the comparison, with the learning rate it is usually run at.</summary>
    public sealed record Contender(string Name, Func<IOptimizer> Create, float LearningRate, string Note);

    /// <summary>The seven optimizers. Batch size 20 and every other setting as in the tutorial.</summary>
    public static IReadOnlyList<Contender> Contenders { get; } =
    [
        new("SGD", () => new SgdOptimizer(), 0.01f, "the tutorial's optimizer"),
        new("Momentum", () => new MomentumOptimizer(beta: 0.9f), 0.1f, "dampened form v = βv + (1−β)g: lr 0.1 is classic momentum 0.9 at lr 0.01"),
        new("Nesterov", () => new NesterovOptimizer(momentum: 0.9f), 0.01f, "PyTorch form, μ 0.9"),
        new("RMSProp", () => new RmsPropOptimizer(rho: 0.9f), 0.001f, "ρ 0.9 (Keras default)"),
        new("Adagrad", () => new AdagradOptimizer(), 0.01f, "PyTorch default lr"),
        new("Adam", () => new AdamOptimizer(), 0.001f, "β 0.9/0.999"),
        new("AdamW", () => new AdamWOptimizer(weightDecay: 0.01f), 0.001f, "decoupled weight decay 0.01"),
    ];

    public sealed record Row(string Optimizer, float LearningRate, double TestAccuracy, double TestLogLoss, double Seconds, IReadOnlyList<EpochRecord> History);

    public sealed record Result(IReadOnlyList<Row> Rows, IReadOnlyList<string> Files);

    /// <summary>Command line: <c>optimizers [--data mnist|fashion|subset] [--epochs 10] [--out DIR] [--train-rows N] [--threads N] [--seed N]</c>.</summary>
    public static int Command(SampleArgs args)
    {
        var result = Run(args.Data(MnistChoice.Mnist), args.GetInt("--epochs") ?? 10, args.OutputDirectory, Console.Out,
            args.GetInt("--train-rows"), args.GetInt("--threads"), args.GetInt("--seed") ?? 0);
        return result.Rows.All(r => r.TestAccuracy > 0.5) ? 0 : 1;
    }

    public static Result Run(MnistChoice data, int epochs, string outputDirectory, TextWriter output, int? trainRows = null, int? threads = null, int seed = 0)
    {
        var ml = new MLContext(seed: 0);
        var set = MnistData.Load(ml, data, trainRows);
        output.WriteLine($"{set.Name}: {set.TrainRows:N0} training and {set.TestRows:N0} test images; 784 → 128 ReLU → 10 softmax, batch 20, {epochs} epochs, same initial weights for every optimizer.");
        var prepared = KerasMnist.Prepare(ml, set);

        var rows = new List<Row>();
        foreach (var c in Contenders)
        {
            output.WriteLine($"{c.Name} (lr {c.LearningRate:G3}; {c.Note}):");
            var options = KerasMnist.Options(epochs, seed, threads);
            options.Optimizer = c.Create();
            options.LearningRate = c.LearningRate;
            options.EpochCompleted = KerasMnist.Progress(output, epochs, "  ");
            var run = KerasMnist.Train(ml, prepared, options);
            rows.Add(new Row(c.Name, c.LearningRate, run.Metrics.MicroAccuracy, run.Metrics.LogLoss, run.Seconds, run.History));
        }

        output.WriteLine();
        output.WriteLine($"{"optimizer",-10} {"lr",7} {"test accuracy",14} {"test loss",10} {"seconds",8} {"s/epoch",8}");
        foreach (var r in rows)
            output.WriteLine($"{r.Optimizer,-10} {r.LearningRate,7:G3} {r.TestAccuracy,14:P2} {r.TestLogLoss,10:F4} {r.Seconds,8:F1} {r.Seconds / r.History.Count,8:F2}");

        string where = $"{set.Name}, 784-128-10 MLP, batch 20";
        string loss = Plots.Lines(Path.Combine(outputDirectory, "optimizers-loss.png"),
            $"Validation loss per epoch by optimizer ({where})", "epoch", "validation cross-entropy loss (test images)",
            rows.Select(r => new Plots.Series($"{r.Optimizer} (lr {r.LearningRate:G3})", Plots.Epochs(r.History),
                r.History.Select(e => e.ValidationLoss ?? double.NaN).ToArray())));
        string accuracy = Plots.Lines(Path.Combine(outputDirectory, "optimizers-accuracy.png"),
            $"Validation accuracy per epoch by optimizer ({where})", "epoch", "validation accuracy (test images), %",
            rows.Select(r => new Plots.Series($"{r.Optimizer} (lr {r.LearningRate:G3})", Plots.Epochs(r.History),
                r.History.Select(e => 100 * (e.ValidationMetric ?? double.NaN)).ToArray())),
            legend: ScottPlot.Alignment.LowerRight);
        output.WriteLine($"Wrote {loss} and {accuracy}.");
        return new Result(rows, [loss, accuracy]);
    }
}
