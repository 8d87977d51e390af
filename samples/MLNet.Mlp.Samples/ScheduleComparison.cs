using Microsoft.ML;
using MLNet.Mlp.Schedules;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Samples;

/// <summary>
/// Learning-rate schedules side by side: constant, step decay, exponential decay, inverse-time decay and cosine
/// annealing after a linear warm-up, counted in optimizer steps. Plots η against the epoch (schedules-lr.png) and,
/// unless told not to train, the validation loss each gives with SGD on the tutorial's network (schedules-loss.png).
/// </summary>
public static class ScheduleComparison
{
    /// <summary>Base learning rate η₀: higher than the tutorial's 0.01, so that decaying it matters.</summary>
    public const float BaseLearningRate = 0.1f;

    public sealed record Row(string Schedule, double TestAccuracy, double TestLogLoss, float FinalLearningRate, IReadOnlyList<EpochRecord> History);

    public sealed record Result(IReadOnlyList<Row> Rows, IReadOnlyList<string> Files);

    /// <summary>
    /// The five schedules for a run of <paramref name="totalSteps"/> steps of which <paramref name="stepsPerEpoch"/>
    /// make an epoch: the decays end at about a tenth of η₀, the warm-up lasts one epoch.
    /// </summary>
    public static IReadOnlyList<(string Name, ILearningRateSchedule Schedule)> Schedules(long stepsPerEpoch, long totalSteps)
    {
        long warmup = Math.Min(stepsPerEpoch, Math.Max(1, totalSteps / 5));
        int stepSize = (int)Math.Max(1, totalSteps / 4);
        return
        [
            ("constant", new ConstantSchedule()),
            ($"step decay (×0.5 every {stepSize / (double)stepsPerEpoch:0.#} epochs)", new StepDecaySchedule(stepSize, 0.5f)),
            ("exponential decay (to η₀/10)", new ExponentialDecaySchedule((float)(Math.Log(10) / totalSteps))),
            ("inverse-time decay (to η₀/10)", new InverseTimeDecaySchedule(9f / totalSteps)),
            ($"cosine after {warmup / (double)stepsPerEpoch:0.#}-epoch warm-up", new WarmupSchedule(warmup, new CosineAnnealingSchedule(Math.Max(1, totalSteps - warmup)))),
        ];
    }

    /// <summary>Command line: <c>schedules [--data subset|mnist|fashion] [--epochs 10] [--out DIR] [--no-train] [--train-rows N] [--threads N]</c>.</summary>
    public static int Command(SampleArgs args)
    {
        var result = Run(args.Data(MnistChoice.Subset), args.GetInt("--epochs") ?? 10, args.OutputDirectory, Console.Out,
            train: !args.Has("--no-train"), args.GetInt("--train-rows"), args.GetInt("--threads"), args.GetInt("--seed") ?? 0);
        return result.Rows.All(r => r.TestAccuracy > 0.5) ? 0 : 1;
    }

    public static Result Run(MnistChoice data, int epochs, string outputDirectory, TextWriter output, bool train = true,
        int? trainRows = null, int? threads = null, int seed = 0)
    {
        var ml = new MLContext(seed: 0);
        var set = MnistData.Load(ml, data, trainRows);
        const int batch = 20;
        long stepsPerEpoch = (set.TrainRows + batch - 1) / batch, totalSteps = stepsPerEpoch * epochs;
        var schedules = Schedules(stepsPerEpoch, totalSteps);
        output.WriteLine($"{set.Name}: {set.TrainRows:N0} training images, batch {batch}: {stepsPerEpoch} steps per epoch, {totalSteps} in {epochs} epochs; η₀ = {BaseLearningRate}.");

        // The curves: η_t for every step, drawn against the epoch.
        int points = (int)Math.Min(totalSteps, 500);
        var curves = schedules.Select(s =>
        {
            var t = Enumerable.Range(0, points).Select(i => (long)Math.Round(i * (totalSteps - 1) / (double)Math.Max(1, points - 1))).ToArray();
            return new Plots.Series(s.Name, t.Select(x => x / (double)stepsPerEpoch).ToArray(),
                t.Select(x => (double)s.Schedule.GetLearningRate(BaseLearningRate, x)).ToArray());
        }).ToList();
        var files = new List<string>
        {
            Plots.Lines(Path.Combine(outputDirectory, "schedules-lr.png"), $"Learning-rate schedules (η₀ = {BaseLearningRate}, {epochs} epochs of {stepsPerEpoch} steps)",
                "epoch", "learning rate η", curves, integerX: false, markers: false),
        };

        var rows = new List<Row>();
        if (train)
        {
            var prepared = KerasMnist.Prepare(ml, set);
            foreach (var (name, schedule) in schedules)
            {
                output.WriteLine($"SGD with {name}:");
                var options = KerasMnist.Options(epochs, seed, threads);
                options.LearningRate = BaseLearningRate;
                options.Schedule = schedule;
                options.ScheduleUnit = ScheduleUnit.Step;
                options.EpochCompleted = KerasMnist.Progress(output, epochs, "  ");
                var run = KerasMnist.Train(ml, prepared, options);
                rows.Add(new Row(name, run.Metrics.MicroAccuracy, run.Metrics.LogLoss, run.History[^1].LearningRate, run.History));
            }
            output.WriteLine();
            output.WriteLine($"{"schedule",-44} {"final lr",9} {"test accuracy",14} {"test loss",10}");
            foreach (var r in rows)
                output.WriteLine($"{r.Schedule,-44} {r.FinalLearningRate,9:G3} {r.TestAccuracy,14:P2} {r.TestLogLoss,10:F4}");
            files.Add(Plots.Lines(Path.Combine(outputDirectory, "schedules-loss.png"),
                $"Validation loss per epoch by schedule ({set.Name}, SGD η₀ = {BaseLearningRate}, batch {batch})", "epoch", "validation cross-entropy loss (test images)",
                rows.Select(r => new Plots.Series(r.Schedule, Plots.Epochs(r.History), r.History.Select(e => e.ValidationLoss ?? double.NaN).ToArray()))));
        }
        output.WriteLine($"Wrote {string.Join(" and ", files)}.");
        return new Result(rows, files);
    }
}
