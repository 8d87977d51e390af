using System.Diagnostics;
using System.Text;
using Microsoft.ML;
using MLNet.Mlp.Datasets;
using MLNet.Mlp.Trainers;
using static MLNet.Mlp.Benchmarks.BenchEnvironment;

namespace MLNet.Mlp.Benchmarks;

/// <summary>One training run in one process: ours (through the ML.NET API) or PyTorch's (torch/mlp_bench.py).</summary>
internal sealed class TrainRun
{
    public string Side { get; set; } = "";
    public string Workload { get; set; } = "";
    public double[] EpochSeconds { get; set; } = [];
    public double Accuracy { get; set; } = double.NaN;
    public double FitSeconds { get; set; }
    public long PeakBytes { get; set; }
    public long DataBytes { get; set; }
    public int Threads { get; set; }
    public Dictionary<string, string> Info { get; set; } = [];
}

/// <summary>
/// The training workloads W1–W4: each run is a fresh process (this executable's <c>train-one</c>, or the PyTorch
/// script), ours and the peer back to back, alternating which goes first, over several repetitions.
/// </summary>
internal static class TrainBenchmark
{
    /// <summary><c>train-one W [--epochs N] [--threads N] [--no-eval]</c>: trains one workload in this process and prints a RESULT line.</summary>
    public static int RunOne(string[] args)
    {
        var workload = Workload.Get(args.Length > 0 ? args[0] : throw new ArgumentException("train-one needs a workload name (W1..W4)."));
        int epochs = IntOption(args, "--epochs", workload.Epochs);
        int threads = IntOption(args, "--threads", Environment.ProcessorCount);
        bool evaluate = !args.Contains("--no-eval");
        EmitResult(Train(workload, epochs, threads, evaluate));
        return 0;
    }

    public static TrainRun Train(Workload workload, int epochs, int threads, bool evaluate)
    {
        string dir = DataSet(workload.DataSet);
        var ml = new MLContext(seed: 0);
        IDataView train = ml.Data.LoadFromIdx(Path.Combine(dir, "train-images-idx3-ubyte.gz"), Path.Combine(dir, "train-labels-idx1-ubyte.gz"));
        long rows = train.GetRowCount() ?? 0;
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions
            {
                HiddenLayers = workload.Hidden,
                Optimizer = workload.CreateOptimizer(),
                LearningRate = workload.LearningRate,
                BatchSize = workload.BatchSize,
                NumberOfEpochs = epochs,
                Seed = 0,
                // The pixels as the PyTorch peer trains on them, in [0, 1]: the same inputs on both sides. (The trainer's
                // default per-feature standardization is measured on MNIST by `defaults --mnist-only`.)
                StandardizeFeatures = false,
                NumberOfThreads = threads,
            }));
        var clock = Stopwatch.StartNew();
        var model = pipeline.Fit(train);
        double fitSeconds = clock.Elapsed.TotalSeconds;
        var mlp = model.LastTransformer;
        var run = new TrainRun
        {
            Side = "ours",
            Workload = workload.Name,
            EpochSeconds = mlp.Model.History.Select(r => r.Seconds).ToArray(),
            FitSeconds = fitSeconds,
            PeakBytes = PeakWorkingSet(),
            DataBytes = rows * 784 * sizeof(float),
            Threads = threads,
        };
        run.Info["trainLoss"] = F(mlp.Model.History[^1].TrainingLoss, "F5");
        // A hash of the trained parameters' bits: a speed change must leave it unchanged for a given seed and thread count.
        run.Info["paramHash"] = ParameterHash(mlp.Model.CopyNetwork().ParameterArray);
        if (evaluate)
        {
            IDataView test = ml.Data.LoadFromIdx(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
            run.Accuracy = ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
        }
        return run;
    }

    private static string ParameterHash(float[] parameters)
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(parameters.AsSpan());
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes))[..16];
    }

    /// <summary><c>train [--reps N] [--workloads W1,W2] [--epochs N] [--no-torch] [--threads N]</c>.</summary>
    public static int Run(string[] args)
    {
        var results = Measure(args);
        Console.WriteLine();
        Console.WriteLine(Table(results, args.Contains("--no-torch") ? null : TorchPeer.LastInfo));
        return 0;
    }

    public static List<TrainRun> Measure(string[] args) => Measure(args, null);

    /// <summary>As <see cref="Measure(string[])"/>, both sides under <paramref name="isa"/> (null: this process's own).</summary>
    public static List<TrainRun> Measure(string[] args, InstructionSet? isa)
    {
        int reps = IntOption(args, "--reps", 3);
        int? epochs = args.Contains("--epochs") ? IntOption(args, "--epochs", 1) : null;
        int threads = IntOption(args, "--threads", Environment.ProcessorCount);
        bool torch = !args.Contains("--no-torch");
        bool oursToo = !args.Contains("--torch-only");
        var names = StringOption(args, "--workloads")?.Split(',') ?? Workload.All.Select(w => w.Name).ToArray();
        var workloads = names.Select(Workload.Get).ToArray();
        if (torch) TorchPeer.CheckAvailable();

        var results = new List<TrainRun>();
        for (int rep = 0; rep < reps; rep++)
        {
            foreach (var w in workloads)
            {
                // Back to back, alternating which side goes first, so that a slow phase of the host hits both.
                bool oursFirst = rep % 2 == 0;
                for (int turn = 0; turn < 2; turn++)
                {
                    bool ours = (turn == 0) == oursFirst;
                    if ((!ours && !torch) || (ours && !oursToo)) continue;
                    string e = (epochs ?? w.Epochs).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    string t = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    Console.WriteLine($"[rep {rep + 1}/{reps}] {w.Name} {(ours ? "MLNet.Mlp" : "PyTorch")}{(isa == null ? "" : " " + isa.Name)} ...");
                    var run = ours ? RunSelfWith<TrainRun>(isa?.DotnetEnvironment, "train-one", w.Name, "--epochs", e, "--threads", t)
                        : TorchPeer.Train(w, epochs ?? w.Epochs, threads, isa?.TorchEnvironment);
                    Console.WriteLine($"    epochs {string.Join(" ", run.EpochSeconds.Select(s => F(s, "F3")))} s, accuracy {F(100 * run.Accuracy, "F2")}%");
                    results.Add(run);
                }
            }
        }
        return results;
    }

    /// <summary>The markdown table: best and median epoch of each side over all repetitions, accuracy, ratios, targets.</summary>
    public static string Table(List<TrainRun> results, Dictionary<string, string>? torchInfo, InstructionSet? isa = null)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| workload | MLNet.Mlp epoch best / median (s) | accuracy | PyTorch epoch best / median (s) | accuracy | best ratio | median ratio | target ratio | runs |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var group in results.GroupBy(r => r.Workload))
        {
            var w = Workload.Get(group.Key);
            var ours = group.Where(r => r.Side == "ours").ToList();
            var peer = group.Where(r => r.Side == "torch").ToList();
            (double ob, double om) = Epochs(ours);
            (double pb, double pm) = Epochs(peer);
            string target = (isa ?? InstructionSet.Available()[0]).TargetRatio(w.Name);
            sb.AppendLine($"| {w.Name}: {w.Description} | {F(ob, "F3")} / {F(om, "F3")} | {Accuracy(ours, w)} | " +
                          (peer.Count > 0 ? $"{F(pb, "F3")} / {F(pm, "F3")} | {Accuracy(peer, w)} | {F(ob / pb, "F2")} | {F(om / pm, "F2")} |" : "– | – | – | – |") +
                          $" {target} | {ours.Count} + {peer.Count} |");
        }
        return sb.ToString();
    }

    /// <summary>Best and median epoch seconds of one side over all its runs.</summary>
    public static (double Best, double Median) Epochs(List<TrainRun> runs)
    {
        var all = runs.SelectMany(r => r.EpochSeconds).ToArray();
        return all.Length == 0 ? (double.NaN, double.NaN) : (all.Min(), Median(all));
    }

    private static string Accuracy(List<TrainRun> runs, Workload w)
    {
        if (runs.Count == 0) return "–";
        double min = runs.Min(r => r.Accuracy), max = runs.Max(r => r.Accuracy);
        string text = Math.Abs(max - min) < 5e-5 ? $"{F(100 * min, "F2")}%" : $"{F(100 * min, "F2")}–{F(100 * max, "F2")}%";
        return $"{text} {(min >= w.AccuracyTarget ? "✓" : "✗")} (≥ {F(100 * w.AccuracyTarget, "F1")})";
    }
}
