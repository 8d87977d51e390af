using System.Runtime.InteropServices;
using System.Text;
using static MLNet.Mlp.Benchmarks.BenchEnvironment;

namespace MLNet.Mlp.Benchmarks;

/// <summary>
/// <c>all [--reps N] [--quick] [--no-torch] [--out FILE]</c>: the whole suite in one command, written as markdown
/// (machine, versions, then one table per family) to benchmarks/results.md.
/// </summary>
internal static class AllBenchmarks
{
    public static int Run(string[] args)
    {
        bool quick = args.Contains("--quick");
        bool torch = !args.Contains("--no-torch");
        int reps = IntOption(args, "--reps", quick ? 1 : 3);
        string output = StringOption(args, "--out") ?? Path.Combine(RepositoryRoot, "benchmarks", "results.md");
        var started = DateTime.UtcNow;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // Every training shape with its backprop variants (about 7 s), 256×784→512 being the kernel target.
        Console.WriteLine("== gemm (the training shapes, forward and backward) ==");
        string gemm = CaptureSelf("gemm", "--quick");
        Console.WriteLine(gemm);

        Console.WriteLine("== train ==");
        var trainArgs = new List<string> { "--reps", reps.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (!torch) trainArgs.Add("--no-torch");
        if (quick) trainArgs.AddRange(["--epochs", "2"]);
        var training = TrainBenchmark.Measure([.. trainArgs]);
        var torchInfo = torch ? TorchPeer.LastInfo : null;

        Console.WriteLine("== inference ==");
        var inference = RunSelf<List<InferenceBenchmark.Row>>("inference", "--passes", quick ? "3" : "10", "--no-torch");
        Dictionary<string, string>? torchInference = null;
        if (torch)
        {
            Console.WriteLine("PyTorch inference ...");
            torchInference = TorchPeer.Infer(Environment.ProcessorCount).Info;
        }

        Console.WriteLine("== memory ==");
        var memory = MemoryBenchmark.Measure(1);

        Console.WriteLine("== peers ==");
        var peers = quick ? [] : PeersBenchmark.Measure();

        var sb = new StringBuilder();
        sb.AppendLine("# MLNet.Mlp benchmark results");
        sb.AppendLine();
        sb.AppendLine($"Written by `dotnet tests/MLNet.Mlp.Benchmarks/bin/Release/net10.0/MLNet.Mlp.Benchmarks.dll all{(args.Length > 0 ? " " + string.Join(' ', args) : "")}` " +
                      $"on {started:yyyy-MM-dd HH:mm} UTC ({F(clock.Elapsed.TotalMinutes, "F0")} minutes). See tests/MLNet.Mlp.Benchmarks/README.md for how each number is measured.");
        sb.AppendLine();
        sb.AppendLine("| machine | |");
        sb.AppendLine("|---|---|");
        sb.AppendLine($"| CPU | {CpuModel()} ({CpuFlags()}) |");
        sb.AppendLine($"| cores | {Environment.ProcessorCount} |");
        sb.AppendLine($"| OS | {RuntimeInformation.OSDescription} |");
        sb.AppendLine($"| .NET | {RuntimeInformation.FrameworkDescription} |");
        sb.AppendLine($"| ML.NET | {MlNetVersion()} |");
        if (torchInfo != null)
        {
            sb.AppendLine($"| PyTorch peer | torch {torchInfo.GetValueOrDefault("torch")}, numpy {torchInfo.GetValueOrDefault("numpy")}, Python {torchInfo.GetValueOrDefault("python")}, {torchInfo.GetValueOrDefault("torchThreads")} threads |");
            sb.AppendLine($"| PyTorch's BLAS | {torchInfo.GetValueOrDefault("openblasConfig", "?")} (core {torchInfo.GetValueOrDefault("openblasCore", "?")}); mapped: {torchInfo.GetValueOrDefault("blasLibraries")} |");
        }
        sb.AppendLine();
        sb.AppendLine($"## Training (MNIST 60k/10k; {reps} repetition(s), each run a fresh process, ours and PyTorch back to back, alternating)");
        sb.AppendLine();
        sb.AppendLine("Epoch seconds over all epochs of all repetitions (ours: `EpochRecord.Seconds` from the model's history; PyTorch: the same loop span). " +
                      "Ratios are ours / PyTorch; differences under ~15% are noise on this shared host.");
        sb.AppendLine();
        sb.AppendLine(TrainBenchmark.Table(training, torchInfo));
        sb.AppendLine("<details><summary>every run</summary>");
        sb.AppendLine();
        sb.AppendLine("| workload | side | epoch seconds | fit s | accuracy |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var r in training)
            sb.AppendLine($"| {r.Workload} | {r.Side} | {string.Join(" ", r.EpochSeconds.Select(s => F(s, "F3")))} | {F(r.FitSeconds, "F1")} | {F(100 * r.Accuracy, "F2")}% |");
        sb.AppendLine();
        sb.AppendLine("</details>");
        sb.AppendLine();
        sb.AppendLine("## Inference");
        sb.AppendLine();
        sb.AppendLine(InferenceBenchmark.Table(inference, torchInference));
        sb.AppendLine("## Peak memory while training W3");
        sb.AppendLine();
        sb.AppendLine(MemoryBenchmark.Table(memory));
        if (peers.Count > 0)
        {
            sb.AppendLine("## ML.NET's own trainers on the same split");
            sb.AppendLine();
            sb.AppendLine(PeersBenchmark.Table(peers));
        }
        sb.AppendLine("## Matrix multiply at the shapes training uses (target: 256×784→512 at ≥ 70 % of the measured peak)");
        sb.AppendLine();
        sb.AppendLine("```");
        sb.AppendLine(gemm.TrimEnd());
        sb.AppendLine("```");

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, sb.ToString());
        Console.WriteLine(sb.ToString());
        Console.WriteLine($"Written to {output}");
        return 0;
    }
}
