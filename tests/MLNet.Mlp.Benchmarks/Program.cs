using MLNet.Mlp.Benchmarks;
using MLNet.Mlp.Numerics.MatrixMultiplication;

// One executable, one sub-command per benchmark family.
string command = args.Length > 0 ? args[0] : "help";
string[] rest = args.Length > 0 ? args[1..] : [];
switch (command)
{
    case "gemm":
        return GemmBenchmark.Run(rest);
    case "gemm-bdn":
        BenchmarkDotNet.Running.BenchmarkRunner.Run<GemmBdnBenchmarks>(args: rest);
        return 0;
    case "train":
        return TrainBenchmark.Run(rest);
    case "train-one":
        return TrainBenchmark.RunOne(rest);
    case "torch":
        return TrainBenchmark.Run([.. rest, "--torch-only"]);
    case "inference":
        return InferenceBenchmark.Run(rest);
    case "peers":
        return PeersBenchmark.Run(rest);
    case "peer-one":
        return PeersBenchmark.RunOne(rest);
    case "memory":
        return MemoryBenchmark.Run(rest);
    case "text":
        return TextBenchmark.Run(rest);
    case "text-one":
        return TextBenchmark.RunOne(rest);
    case "sparse-memory":
        return SparseMemoryBenchmark.Run(rest);
    case "sparse-memory-one":
        return SparseMemoryBenchmark.RunOne(rest);
    case "profile":
        return ProfileSteps.Run(rest);
    case "serve-load":
        return ServeLoadBenchmark.Run(rest);
    case "all":
        return AllBenchmarks.Run(rest);
    case "defaults":
        return DefaultsBenchmark.Run(rest);
    case "defaults-one":
        return DefaultsBenchmark.RunOne(rest);
    case "golden":
        return GoldenCommand.Golden(rest);
    case "hashes":
        return GoldenCommand.Hashes(rest);
    case "standardize":
        return StandardizeBenchmark.Run(rest);
    default:
        Console.WriteLine("Usage: dotnet MLNet.Mlp.Benchmarks.dll <command> [options]   (build with -c Release)");
        Console.WriteLine("  all        everything below in one run; writes benchmarks/results.md (options: --reps N, --quick, --no-torch, --out FILE,");
        Console.WriteLine("             --isas avx512,avx2,v128 (default: every one the CPU has), --workloads W1,W3)");
        Console.WriteLine("  train      W1-W4 through the ML.NET API, each run a fresh process, alternating with the PyTorch peer");
        Console.WriteLine("             options: --reps N (3), --workloads W1,W3, --epochs N (override), --threads N, --no-torch");
        Console.WriteLine("  torch      the PyTorch peer alone (torch/mlp_bench.py), same options as train");
        Console.WriteLine("  inference  rows/s: PredictionEngine one row at a time, Transform enumerated, ONNX-backed model after Load");
        Console.WriteLine("  peers      ML.NET's SdcaMaximumEntropy, LbfgsMaximumEntropy and LightGbm on the same split");
        Console.WriteLine("  defaults   every option at its default: Mlp vs ML.NET's linear trainers vs scikit-learn's MLP, 5-fold CV on small tables");
        Console.WriteLine("             (NormalizeMeanVariance / StandardScaler in front), then full MNIST and Fashion-MNIST (Fit time, epochs, steps)");
        Console.WriteLine("             options: --tables-only, --mnist-only, --filter NAME");
        Console.WriteLine("  text       FeaturizeText + MLP (default options, and --epochs N, 5) vs SDCA on SpamAssassin and the fortunes, each fit a fresh process");
        Console.WriteLine("             (data: samples/get-text-data.sh); options: --sets spam,fortunes");
        Console.WriteLine("  sparse-memory  peak working set of a synthetic 1,275 × 150,000 sparse set after 2, 10, 20, 30 epochs (fresh processes),");
        Console.WriteLine("             and rows/s scoring it in memory and after the stock Load; options: --epochs 2,10 --rows N --features N --nonzeros N");
        Console.WriteLine("  memory     peak working set of a fresh process training W3, next to the data size as floats");
        Console.WriteLine("  gemm       GFLOP/s of MatrixMultiply for the network's shapes at 1 and 2 threads, next to the measured FMA peak");
        Console.WriteLine("             options: --quick (fewer runs), --filter TEXT (only rows whose label contains TEXT),");
        Console.WriteLine("                      --cputime (time 1-thread runs by thread CPU time; robust on a shared host)");
        Console.WriteLine("  gemm-bdn   the same kernel under BenchmarkDotNet (slower, statistically careful)");
        Console.WriteLine("  serve-load the serving sample over HTTP on 127.0.0.1: concurrent clients, errors, answers vs offline, requests/s, p50/p99");
        Console.WriteLine("             options: --clients N (16), --requests N per client (5000), --warmup N (200), --model PATH, --pool N, --time-limit S (300)");
        Console.WriteLine("  profile W  stopwatch per phase of a training step (gather, forward, backward, finite check, optimizer) on random data");
        Console.WriteLine("  train-one W / peer-one NAME   one run in this process (what the commands above launch)");
        Console.WriteLine("  golden DIR [--retrain]   the golden model files of tests/MLNet.Mlp.Tests/Golden/v1 (see its README.md): trains them when");
        Console.WriteLine("             DIR has none, else adds this instruction set's engine outputs and resumed hashes");
        Console.WriteLine("  standardize [--epochs N] [--folds K] [--filter TEXT]   cross-validated metric of each tabular sample fed raw, through");
        Console.WriteLine("             NormalizeMeanVariance and NormalizeMinMax, with StandardizeFeatures on and off (100 epochs, 5 folds)");
        Console.WriteLine("  hashes [--update FILE] [--filter TEXT]   the parameter hash of every case of ParameterHashTests; --update writes this");
        Console.WriteLine("             instruction set's column of the table in FILE (tests/MLNet.Mlp.Tests/Compatibility/ParameterHashTests.cs)");
        return command == "help" ? 0 : 1;
}
