using MLNet.Mlp.Benchmarks;

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
    default:
        Console.WriteLine("Usage: MLNet.Mlp.Benchmarks <command> [options]");
        Console.WriteLine("  gemm       GFLOP/s of MatrixMultiply for the network's shapes at 1 and 2 threads, next to the measured FMA peak");
        Console.WriteLine("             options: --quick (fewer runs), --filter TEXT (only rows whose label contains TEXT),");
        Console.WriteLine("                      --cputime (time 1-thread runs by thread CPU time; robust on a shared host)");
        Console.WriteLine("  gemm-bdn   the same kernel under BenchmarkDotNet (slower, statistically careful)");
        return command == "help" ? 0 : 1;
}
