using System.Text;
using static MLNet.Mlp.Benchmarks.BenchEnvironment;

namespace MLNet.Mlp.Benchmarks;

/// <summary>
/// Peak working set (VmHWM) of a fresh process that loads the MNIST training set and trains W3 through
/// the ML.NET API, next to the size of that data as floats (60,000 × 784 × 4 bytes).
/// </summary>
internal static class MemoryBenchmark
{
    public static int Run(string[] args)
    {
        var run = Measure(IntOption(args, "--epochs", 1));
        Console.WriteLine();
        Console.WriteLine(Table(run));
        return 0;
    }

    /// <summary>Training W3 without evaluation, so that the test set is not loaded; one epoch is enough (steps allocate nothing).</summary>
    public static TrainRun Measure(int epochs)
    {
        Console.WriteLine($"W3, {epochs} epoch(s), fresh process, training data only ...");
        return RunSelf<TrainRun>("train-one", "W3", "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-eval");
    }

    public static string Table(TrainRun run)
    {
        double mb = 1048576.0;
        double data = run.DataBytes / mb, peak = run.PeakBytes / mb, limit = 2 * data + 150;
        var sb = new StringBuilder();
        sb.AppendLine("| measure | MB |");
        sb.AppendLine("|---|---|");
        sb.AppendLine($"| training data as floats (60,000 × 784 × 4 B) | {F(data, "F0")} |");
        sb.AppendLine($"| peak working set (VmHWM) of the process training W3 through ML.NET | {F(peak, "F0")} |");
        sb.AppendLine($"| target: 2 × data + 150 MB | {F(limit, "F0")} {(peak <= limit ? "✓" : "✗")} |");
        return sb.ToString();
    }
}
