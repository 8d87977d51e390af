using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MLNet.Mlp.Numerics.MatrixMultiplication;

namespace MLNet.Mlp.Benchmarks;

/// <summary>Hand-timed GFLOP/s table for <see cref="MatrixMultiply"/>; best-of-N because the host is shared and noisy.</summary>
internal static class GemmBenchmark
{
    private static bool s_cpuTime;

    /// <summary>One benchmarked call: C[m×n] = op(A)·op(B).</summary>
    private readonly record struct Case(string Label, int M, int N, int K, bool TransposeA, bool TransposeB, bool Bias);

    public static int Run(string[] args)
    {
        bool quick = args.Contains("--quick");
        s_cpuTime = args.Contains("--cputime") && OperatingSystem.IsLinux();
        int filterAt = Array.IndexOf(args, "--filter");
        string? filter = filterAt >= 0 && filterAt + 1 < args.Length ? args[filterAt + 1] : null;
        int runs = quick ? 15 : 41;
        int cores = Environment.ProcessorCount;

        Console.WriteLine($"Cores: {cores}; {IsaDescription()}");
        if (s_cpuTime)
        {
            Console.WriteLine("1-thread columns and the 1-core peaks use the thread's CPU time (time slices lost to other processes are not counted).");
        }

        var cases = new List<Case>();
        // Layers as (batch, in, out). Forward Z = X·Wᵀ (NT, W stored [out×in]); also NN for weights stored [in×out].
        // Backward dX = dZ·W (NN) and dW = dZᵀ·X (TN). 256x784->512 and 256x512->256 are W3's hidden layers.
        foreach ((int batch, int input, int output) in new[] { (20, 784, 128), (64, 784, 128), (256, 784, 512), (256, 512, 256), (1024, 1024, 1024) })
        {
            string layer = $"{batch}x{input}->{output}";
            cases.Add(new Case($"{layer} fwd NT", batch, output, input, false, true, true));
            cases.Add(new Case($"{layer} fwd NN", batch, output, input, false, false, true));
            cases.Add(new Case($"{layer} dX  NN", batch, input, output, false, false, false));
            cases.Add(new Case($"{layer} dW  TN", output, input, batch, true, false, false));
        }

        cases.Add(new Case("1x784->128 infer NT", 1, 128, 784, false, true, true));
        cases.Add(new Case("1x784->128 infer NN", 1, 128, 784, false, false, true));
        cases.Add(new Case("1x128->10 infer NT", 1, 10, 128, false, true, true));
        cases.RemoveAll(c => filter is not null && !c.Label.Contains(filter, StringComparison.OrdinalIgnoreCase));

        // The peak is measured before and after the table and the better figure kept: a neighbour
        // busy during one measurement would otherwise inflate every percentage.
        List<PeakProbe.Row> before = PeakProbe.MeasureAll(s_cpuTime);
        var results = new List<(Case Case, Stats One, Stats All)>();
        foreach (Case c in cases)
        {
            (Stats one, Stats all) = Measure(c, cores, runs);
            results.Add((c, one, all));
        }

        List<PeakProbe.Row> after = PeakProbe.MeasureAll(s_cpuTime);
        List<PeakProbe.Row> peaks = before.Zip(after, (x, y) => new PeakProbe.Row(x.Bits, x.Fused, Math.Max(x.OneCore, y.OneCore),
            Math.Max(x.AllCores, y.AllCores), MaxOrNaN(x.COneCore, y.COneCore), MaxOrNaN(x.CAllCores, y.CAllCores))).ToList();
        PeakProbe.Print(peaks);
        PeakProbe.Row kernel = peaks.First(r => r.Bits == PeakProbe.KernelBits);
        double peak1 = kernel.BestOne, peakAll = kernel.BestAll;
        Console.WriteLine($"Percentages are of the {kernel.Name} peak (the kernel's width; the better of C# and C, before and after the table): " +
            $"1 core {peak1:F1}, {cores} cores {peakAll:F1} GFLOP/s.");
        Console.WriteLine();
        Console.WriteLine($"Each row: {runs} runs of ~4 ms per thread count, 1- and {cores}-thread runs interleaved; best and median GFLOP/s.");
        Console.WriteLine($"{"case",-26} {"m",5} {"n",5} {"k",5} | {"1 thread best / median",24} {"% 1-core",9} | {cores + " threads best / median",24} {"% all",6} {"µs/call",9}");
        Console.WriteLine(new string('-', 124));
        foreach ((Case c, Stats one, Stats all) in results)
        {
            Console.WriteLine($"{c.Label,-26} {c.M,5} {c.N,5} {c.K,5} | {one.Best,10:F1} / {one.Median,-11:F1} {100 * one.Best / peak1,8:F0}% | " +
                $"{all.Best,10:F1} / {all.Median,-11:F1} {100 * all.Best / peakAll,5:F0}% {all.MicrosPerCall,9:F1}");
        }

        // W3's hidden-layer shapes as one figure: total FLOP over total time of their forward and backward calls.
        var w3 = results.Where(r => r.Case.Label.StartsWith("256x784->512", StringComparison.Ordinal) || r.Case.Label.StartsWith("256x512->256", StringComparison.Ordinal)).ToList();
        if (w3.Count > 0)
        {
            double flops = w3.Sum(r => 2.0 * r.Case.M * r.Case.N * r.Case.K);
            double Rate(Func<(Case Case, Stats One, Stats All), double> gflops) => flops / w3.Sum(r => 2.0 * r.Case.M * r.Case.N * r.Case.K / gflops(r));
            var summary = new GemmSummary(PeakProbe.KernelBits, kernel.Name, peak1, peakAll,
                Rate(r => r.One.Best), Rate(r => r.One.Median), Rate(r => r.All.Best), Rate(r => r.All.Median));
            Console.WriteLine();
            Console.WriteLine($"W3 shapes ({w3.Count} calls): 1 thread best {summary.OneBest:F1} ({100 * summary.OneBest / peak1:F0}%), median {summary.OneMedian:F1} ({100 * summary.OneMedian / peak1:F0}%); " +
                $"{cores} threads best {summary.AllBest:F1} ({100 * summary.AllBest / peakAll:F0}%), median {summary.AllMedian:F1} ({100 * summary.AllMedian / peakAll:F0}%) GFLOP/s (target: {cores} threads ≥ 80%)");
            if (args.Contains("--result"))
            {
                BenchEnvironment.EmitResult(summary);
            }
        }

        return 0;
    }

    private static double MaxOrNaN(double x, double y) => double.IsNaN(x) ? y : double.IsNaN(y) ? x : Math.Max(x, y);

    /// <summary>The instruction set the kernels run on in this process.</summary>
    public static string IsaDescription() =>
        $"kernel width {PeakProbe.KernelBits} bit (Vector512 {Vector512.IsHardwareAccelerated}, Vector256 {Vector256.IsHardwareAccelerated}, " +
        $"Vector128 {Vector128.IsHardwareAccelerated}, FMA {System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported})";

    private readonly record struct Stats(double Best, double Median, double MicrosPerCall);

    // 1-thread and all-core runs alternate, many short runs each, so that both columns get their
    // chance at the quiet moments of a shared host; best-of-N then reflects the code, not the neighbours.
    private static (Stats One, Stats All) Measure(Case c, int cores, int runs)
    {
        var rng = new Random(42);
        float[] a = Fill(rng, c.M * c.K), b = Fill(rng, c.K * c.N), bias = Fill(rng, c.N);
        float[] output = new float[c.M * c.N];
        double flops = 2.0 * c.M * c.N * c.K;
        void Call(int threads) => MatrixMultiply.Multiply(a, c.TransposeA, b, c.TransposeB, output, c.M, c.N, c.K,
            c.Bias ? bias : default, false, threads);

        int Calibrate(int threads)
        {
            var sw = Stopwatch.StartNew();
            int calls = 0;
            while (sw.ElapsedMilliseconds < 40 || calls < 3)
            {
                Call(threads);
                calls++;
            }

            return (int)Math.Clamp(0.004 / (sw.Elapsed.TotalSeconds / calls), 1, 1_000_000);
        }

        int reps1 = Calibrate(1), repsAll = Calibrate(cores);
        var rates1 = new double[runs];
        var ratesAll = new double[runs];
        double bestAll = double.MaxValue;
        for (int r = 0; r < runs; r++)
        {
            rates1[r] = flops / TimeRun(1, reps1, s_cpuTime) / 1e9;
            double s = TimeRun(cores, repsAll, false);
            bestAll = Math.Min(bestAll, s);
            ratesAll[r] = flops / s / 1e9;
        }

        Array.Sort(rates1);
        Array.Sort(ratesAll);
        return (new Stats(rates1[^1], rates1[runs / 2], 0), new Stats(ratesAll[^1], ratesAll[runs / 2], bestAll * 1e6));

        double TimeRun(int threads, int reps, bool cpu)
        {
            long t0 = Stopwatch.GetTimestamp();
            double c0 = cpu ? ThreadCpuClock.Seconds() : 0;
            for (int i = 0; i < reps; i++)
            {
                Call(threads);
            }

            return (cpu ? ThreadCpuClock.Seconds() - c0 : Stopwatch.GetElapsedTime(t0).TotalSeconds) / reps;
        }
    }


    private static float[] Fill(Random rng, int length)
    {
        var x = new float[length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(rng.NextDouble() - 0.5);
        }

        return x;
    }
}
