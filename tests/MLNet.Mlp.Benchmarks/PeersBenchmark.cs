using System.Diagnostics;
using System.Text;
using Microsoft.ML;
using MLNet.Mlp.Datasets;
using static MLNet.Mlp.Benchmarks.BenchEnvironment;

namespace MLNet.Mlp.Benchmarks;

/// <summary>
/// ML.NET's own multiclass trainers on the same MNIST split, default options, each in a fresh process:
/// SdcaMaximumEntropy, LbfgsMaximumEntropy and LightGbm. Fit time (including ML.NET's own data caching) and test accuracy.
/// </summary>
internal static class PeersBenchmark
{
    public static readonly string[] Names = ["SdcaMaximumEntropy", "LbfgsMaximumEntropy", "LightGbm"];

    /// <summary><c>peer-one NAME</c>: trains one peer in this process and prints a RESULT line.</summary>
    public static int RunOne(string[] args)
    {
        string name = args.Length > 0 ? args[0] : throw new ArgumentException("peer-one needs a trainer name.");
        string dir = DataSet("mnist");
        var ml = new MLContext(seed: 0);
        IDataView train = ml.Data.LoadFromIdx(Path.Combine(dir, "train-images-idx3-ubyte.gz"), Path.Combine(dir, "train-labels-idx1-ubyte.gz"));
        IDataView test = ml.Data.LoadFromIdx(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
        var trainers = ml.MulticlassClassification.Trainers;
        IEstimator<ITransformer> trainer = name switch
        {
            "SdcaMaximumEntropy" => trainers.SdcaMaximumEntropy(),
            "LbfgsMaximumEntropy" => trainers.LbfgsMaximumEntropy(),
            "LightGbm" => trainers.LightGbm(),
            _ => throw new ArgumentException($"Unknown peer '{name}'; expected one of {string.Join(", ", Names)}."),
        };
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer);
        var clock = Stopwatch.StartNew();
        var model = pipeline.Fit(train);
        double seconds = clock.Elapsed.TotalSeconds;
        double accuracy = ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
        EmitResult(new TrainRun { Side = name, Workload = "peer", FitSeconds = seconds, Accuracy = accuracy, PeakBytes = PeakWorkingSet(), Threads = Environment.ProcessorCount });
        return 0;
    }

    /// <summary><c>peers</c>: every peer in a fresh process; prints the table.</summary>
    public static int Run(string[] args)
    {
        var runs = Measure();
        Console.WriteLine();
        Console.WriteLine(Table(runs));
        return 0;
    }

    public static List<TrainRun> Measure()
    {
        var runs = new List<TrainRun>();
        foreach (string name in Names)
        {
            Console.WriteLine($"{name} ...");
            var run = RunSelf<TrainRun>("peer-one", name);
            Console.WriteLine($"    {F(run.FitSeconds, "F1")} s, accuracy {F(100 * run.Accuracy, "F2")}%");
            runs.Add(run);
        }
        return runs;
    }

    public static string Table(List<TrainRun> runs)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| trainer (default options, MNIST 60k/10k) | Fit seconds | test accuracy | peak working set |");
        sb.AppendLine("|---|---|---|---|");
        foreach (var r in runs)
            sb.AppendLine($"| ml.MulticlassClassification.Trainers.{r.Side}() | {F(r.FitSeconds, "F1")} | {F(100 * r.Accuracy, "F2")}% | {F(r.PeakBytes / 1048576.0, "F0")} MB |");
        return sb.ToString();
    }
}
