using System.Runtime.InteropServices;
using System.Text;
using static MLNet.Mlp.Benchmarks.BenchEnvironment;

namespace MLNet.Mlp.Benchmarks;

/// <summary>
/// <c>all [--reps N] [--quick] [--no-torch] [--isas avx512,avx2,v128] [--workloads W1,W3] [--out FILE]</c>: the whole suite in one command,
/// written as markdown (machine, versions, then one table per family) to benchmarks/results.md. Training and the
/// matrix multiply run once per instruction set (child processes with the .NET and PyTorch switches of
/// <see cref="InstructionSet"/>), the other families on this process's own.
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
        var isas = InstructionSet.Select(StringOption(args, "--isas"));

        // Every training shape with its backprop variants (about 10 s per instruction set), W3's layers being the kernel target.
        var gemm = new List<(InstructionSet Isa, string Text, GemmSummary? Summary)>();
        foreach (var isa in isas)
        {
            Console.WriteLine($"== gemm, {isa.Name} (the training shapes, forward and backward) ==");
            string text = CaptureSelfWith(isa.DotnetEnvironment, "gemm", "--quick", "--result");
            string? json = text.Split('\n').FirstOrDefault(l => l.StartsWith(ResultPrefix, StringComparison.Ordinal))?[ResultPrefix.Length..];
            text = string.Join('\n', text.Split('\n').Where(l => !l.StartsWith(ResultPrefix, StringComparison.Ordinal)));
            Console.WriteLine(text);
            gemm.Add((isa, text, json == null ? null : System.Text.Json.JsonSerializer.Deserialize<GemmSummary>(json, Json)));
        }

        var trainArgs = new List<string> { "--reps", reps.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (!torch) trainArgs.Add("--no-torch");
        if (quick) trainArgs.AddRange(["--epochs", "2"]);
        if (StringOption(args, "--workloads") is { } workloads) trainArgs.AddRange(["--workloads", workloads]);
        var training = new List<(InstructionSet Isa, List<TrainRun> Runs, Dictionary<string, string>? TorchInfo)>();
        foreach (var isa in isas)
        {
            Console.WriteLine($"== train, {isa.Name} ==");
            var runs = TrainBenchmark.Measure([.. trainArgs], isa);
            training.Add((isa, runs, torch ? TorchPeer.LastInfo : null));
        }

        var torchInfo = training.Select(t => t.TorchInfo).FirstOrDefault(i => i != null);

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
                      "Ratios are ours / PyTorch; differences under ~15% are noise on this shared host. One column per instruction set: " +
                      "avx2 is `DOTNET_EnableAVX512=0` for ours and `ATEN_CPU_CAPABILITY=avx2 OPENBLAS_CORETYPE=Haswell DNNL_MAX_CPU_ISA=AVX2` for PyTorch; " +
                      "v128 is `DOTNET_EnableAVX2=0` (which also turns FMA off) and `ATEN_CPU_CAPABILITY=default OPENBLAS_CORETYPE=Nehalem DNNL_MAX_CPU_ISA=SSE41`.");
        sb.AppendLine();
        sb.AppendLine(TrainingByIsa(training));
        foreach (var (isa, runs, info) in training)
        {
            sb.AppendLine($"### {isa.Name}");
            sb.AppendLine();
            if (info != null)
            {
                // What PyTorch's OpenBLAS actually ran: OPENBLAS_CORETYPE must have taken effect for the comparison to hold.
                sb.AppendLine($"PyTorch's OpenBLAS core: {info.GetValueOrDefault("openblasCore", "?")}.");
                sb.AppendLine();
            }

            sb.AppendLine(TrainBenchmark.Table(runs, info, isa));
            sb.AppendLine("<details><summary>every run</summary>");
            sb.AppendLine();
            sb.AppendLine("| workload | side | epoch seconds | fit s | accuracy |");
            sb.AppendLine("|---|---|---|---|---|");
            foreach (var r in runs)
                sb.AppendLine($"| {r.Workload} | {r.Side} | {string.Join(" ", r.EpochSeconds.Select(s => F(s, "F3")))} | {F(r.FitSeconds, "F1")} | {F(100 * r.Accuracy, "F2")}% |");
            sb.AppendLine();
            sb.AppendLine("</details>");
            sb.AppendLine();
        }
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
        sb.AppendLine("## Matrix multiply at the shapes training uses (target: W3's layers at ≥ 80 % of the measured peak on two threads)");
        sb.AppendLine();
        sb.AppendLine(GemmByIsa(gemm));
        foreach (var (isa, text, _) in gemm)
        {
            sb.AppendLine($"### {isa.Name}");
            sb.AppendLine();
            sb.AppendLine("```");
            sb.AppendLine(text.TrimEnd());
            sb.AppendLine("```");
            sb.AppendLine();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, sb.ToString());
        Console.WriteLine(sb.ToString());
        Console.WriteLine($"Written to {output}");
        return 0;
    }

    // One row per workload, one column per instruction set: ours and PyTorch best epoch, their ratio, and the target.
    private static string TrainingByIsa(List<(InstructionSet Isa, List<TrainRun> Runs, Dictionary<string, string>? TorchInfo)> training)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| workload | " + string.Join(" | ", training.Select(t => $"{t.Isa.Name}: ours / PyTorch best epoch (s), ratio (target)")) + " |");
        sb.AppendLine("|---|" + string.Concat(training.Select(_ => "---|")));
        foreach (string workload in training.SelectMany(t => t.Runs).Select(r => r.Workload).Distinct())
        {
            var cells = training.Select(t =>
            {
                (double ours, _) = TrainBenchmark.Epochs(t.Runs.Where(r => r.Workload == workload && r.Side == "ours").ToList());
                (double peer, _) = TrainBenchmark.Epochs(t.Runs.Where(r => r.Workload == workload && r.Side == "torch").ToList());
                return double.IsNaN(peer) ? $"{F(ours, "F3")} / –" : $"{F(ours, "F3")} / {F(peer, "F3")}, {F(ours / peer, "F2")} ({t.Isa.TargetRatio(workload)})";
            });
            sb.AppendLine($"| {workload} | {string.Join(" | ", cells)} |");
        }

        // The 128-bit path must stay within 2x of the AVX2 one.
        var avx2 = training.FirstOrDefault(t => t.Isa.Name == "avx2");
        var v128 = training.FirstOrDefault(t => t.Isa.Name == "v128");
        if (avx2.Runs != null && v128.Runs != null)
        {
            sb.AppendLine();
            sb.AppendLine("| workload | ours v128 / ours avx2, best epoch (target ≤ 2) |");
            sb.AppendLine("|---|---|");
            foreach (string workload in v128.Runs.Select(r => r.Workload).Distinct())
            {
                (double narrow, _) = TrainBenchmark.Epochs(v128.Runs.Where(r => r.Workload == workload && r.Side == "ours").ToList());
                (double wide, _) = TrainBenchmark.Epochs(avx2.Runs.Where(r => r.Workload == workload && r.Side == "ours").ToList());
                sb.AppendLine($"| {workload} | {F(narrow, "F3")} / {F(wide, "F3")} = {F(narrow / wide, "F2")} |");
            }
        }

        return sb.ToString();
    }

    private static string GemmByIsa(List<(InstructionSet Isa, string Text, GemmSummary? Summary)> gemm)
    {
        var sb = new StringBuilder();
        sb.AppendLine("W3's hidden layers (256×784→512 and 256×512→256, forward NT and NN, dX, dW): total FLOP over total time, GFLOP/s and % of the peak of the kernel's vector width.");
        sb.AppendLine();
        sb.AppendLine("| instruction set | peak (1 core / all cores) | 1 thread best / median | all threads best / median | target |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var (isa, _, s) in gemm)
        {
            if (s == null)
            {
                sb.AppendLine($"| {isa.Name} | – | – | – | – |");
                continue;
            }

            sb.AppendLine($"| {isa.Name} | {s.PeakName}: {F(s.PeakOne, "F1")} / {F(s.PeakAll, "F1")} | " +
                $"{F(s.OneBest, "F1")} ({F(100 * s.OneBest / s.PeakOne, "F0")}%) / {F(s.OneMedian, "F1")} ({F(100 * s.OneMedian / s.PeakOne, "F0")}%) | " +
                $"{F(s.AllBest, "F1")} ({F(100 * s.AllBest / s.PeakAll, "F0")}%) / {F(s.AllMedian, "F1")} ({F(100 * s.AllMedian / s.PeakAll, "F0")}%) | ≥ 80% |");
        }

        return sb.ToString();
    }
}
