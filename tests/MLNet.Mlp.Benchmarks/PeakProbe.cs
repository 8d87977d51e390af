using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static MLNet.Mlp.Benchmarks.BenchEnvironment;

namespace MLNet.Mlp.Benchmarks;

/// <summary>
/// fp32 multiply-add peak of each vector width this process runs, on one core and on all cores: a loop of twelve
/// independent chains per thread in C# (enough to cover FMA latency × pipes on current x64 cores, while leaving two
/// of the 16 ymm/xmm registers for the operands) and, when gcc is present, the same loop in C (peak/fma_peak.c)
/// as a check that the JIT's loop is not the limit.
/// </summary>
internal static class PeakProbe
{
    /// <summary>One vector width: its peaks measured in C# and C (NaN when gcc or the width is not available).</summary>
    public sealed record Row(int Bits, bool Fused, double OneCore, double AllCores, double COneCore, double CAllCores)
    {
        /// <summary>The peak the GEMM table divides by: the better of the two measurements.</summary>
        public double BestOne => double.IsNaN(COneCore) ? OneCore : Math.Max(OneCore, COneCore);

        /// <summary>All-core counterpart of <see cref="BestOne"/>.</summary>
        public double BestAll => double.IsNaN(CAllCores) ? AllCores : Math.Max(AllCores, CAllCores);

        public string Name => $"{Bits}-bit {(Fused ? "FMA" : "mul+add")}";
    }

    private const long Iterations = 8_000_000;
    private static bool s_cpuTime;
    private const int Chains = 12;

    /// <summary>The widest vector width the GEMM kernels use in this process.</summary>
    public static int KernelBits => Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;

    /// <summary>Whether the 128-bit path fuses (x64 FMA or ARM64 AdvSimd); the wider ones always do.</summary>
    public static bool Fused128 => System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;

    /// <summary>Measures every width up to the kernel's, narrowest last.</summary>
    /// <param name="cpuTime">Time the one-core runs by the thread's CPU time (robust on a shared host) instead of the wall clock, like the gemm table's 1-thread column.</param>
    public static List<Row> MeasureAll(bool cpuTime = false)
    {
        s_cpuTime = cpuTime;
        var rows = new List<Row>();
        int cores = Environment.ProcessorCount;
        foreach (int bits in new[] { 512, 256, 128 })
        {
            if (bits > KernelBits) continue;
            bool fused = bits > 128 || Fused128;
            string mode = bits switch { 512 => "avx512", 256 => "avx2", _ => fused ? "fma128" : "sse" };
            rows.Add(new Row(bits, fused, BestRate(bits, 1), BestRate(bits, cores), CPeak(mode, 1), CPeak(mode, cores)));
        }

        return rows;
    }

    /// <summary>Prints the peaks, one line per width.</summary>
    public static void Print(IEnumerable<Row> rows)
    {
        int cores = Environment.ProcessorCount;
        Console.WriteLine($"fp32 peak ({Chains} independent chains per thread; C: peak/fma_peak.c built with gcc -O2; {(s_cpuTime ? "1 core by thread CPU time" : "wall clock")}):");
        foreach (Row r in rows)
        {
            Console.WriteLine($"  {r.Name,-16} 1 core {r.OneCore,7:F1} GFLOP/s (C {F(r.COneCore)}), {cores} cores {r.AllCores,7:F1} GFLOP/s (C {F(r.CAllCores)})");
        }

        static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("F1", CultureInfo.InvariantCulture);
    }

    private static double BestRate(int bits, int threads)
    {
        int lanes = bits / 32;
        double flopsPerThread = Iterations * (double)Chains * lanes * 2;
        double best = 0;
        for (int r = 0; r < 11; r++)
        {
            using var barrier = new Barrier(threads);
            var elapsed = new double[threads];
            var workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                int id = t;
                workers[t] = new Thread(() =>
                {
                    Loop(bits, 1000, 0.5f); // JIT
                    barrier.SignalAndWait();
                    long t0 = Stopwatch.GetTimestamp();
                    double c0 = s_cpuTime && threads == 1 ? ThreadCpuClock.Seconds() : 0;
                    float sink = Loop(bits, Iterations, 0.5f + id);
                    elapsed[id] = s_cpuTime && threads == 1 ? ThreadCpuClock.Seconds() - c0 : Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    GC.KeepAlive(sink);
                });
                workers[t].Start();
            }

            foreach (Thread w in workers)
            {
                w.Join();
            }

            best = Math.Max(best, threads * flopsPerThread / elapsed.Max() / 1e9);
        }

        return best;
    }

    private static float Loop(int bits, long iterations, float seed) => bits switch
    {
        512 => Loop512(iterations, seed),
        256 => Loop256(iterations, seed),
        _ => Fused128 ? Loop128Fused(iterations, seed) : Loop128(iterations, seed),
    };

    // Distinct starting values so that no chain is a copy of another.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop512(long n, float s)
    {
        Vector512<float> x = Vector512.Create(0.999f), y = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(s), a1 = Vector512.Create(s + 0.01f), a2 = Vector512.Create(s + 0.02f), a3 = Vector512.Create(s + 0.03f);
        Vector512<float> a4 = Vector512.Create(s + 0.04f), a5 = Vector512.Create(s + 0.05f), a6 = Vector512.Create(s + 0.06f), a7 = Vector512.Create(s + 0.07f);
        Vector512<float> a8 = Vector512.Create(s + 0.08f), a9 = Vector512.Create(s + 0.09f), a10 = Vector512.Create(s + 0.1f), a11 = Vector512.Create(s + 0.11f);
        for (long i = 0; i < n; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, x, y); a1 = Vector512.FusedMultiplyAdd(a1, x, y);
            a2 = Vector512.FusedMultiplyAdd(a2, x, y); a3 = Vector512.FusedMultiplyAdd(a3, x, y);
            a4 = Vector512.FusedMultiplyAdd(a4, x, y); a5 = Vector512.FusedMultiplyAdd(a5, x, y);
            a6 = Vector512.FusedMultiplyAdd(a6, x, y); a7 = Vector512.FusedMultiplyAdd(a7, x, y);
            a8 = Vector512.FusedMultiplyAdd(a8, x, y); a9 = Vector512.FusedMultiplyAdd(a9, x, y);
            a10 = Vector512.FusedMultiplyAdd(a10, x, y); a11 = Vector512.FusedMultiplyAdd(a11, x, y);
        }

        return Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop256(long n, float s)
    {
        Vector256<float> x = Vector256.Create(0.999f), y = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(s), a1 = Vector256.Create(s + 0.01f), a2 = Vector256.Create(s + 0.02f), a3 = Vector256.Create(s + 0.03f);
        Vector256<float> a4 = Vector256.Create(s + 0.04f), a5 = Vector256.Create(s + 0.05f), a6 = Vector256.Create(s + 0.06f), a7 = Vector256.Create(s + 0.07f);
        Vector256<float> a8 = Vector256.Create(s + 0.08f), a9 = Vector256.Create(s + 0.09f), a10 = Vector256.Create(s + 0.1f), a11 = Vector256.Create(s + 0.11f);
        for (long i = 0; i < n; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, x, y); a1 = Vector256.FusedMultiplyAdd(a1, x, y);
            a2 = Vector256.FusedMultiplyAdd(a2, x, y); a3 = Vector256.FusedMultiplyAdd(a3, x, y);
            a4 = Vector256.FusedMultiplyAdd(a4, x, y); a5 = Vector256.FusedMultiplyAdd(a5, x, y);
            a6 = Vector256.FusedMultiplyAdd(a6, x, y); a7 = Vector256.FusedMultiplyAdd(a7, x, y);
            a8 = Vector256.FusedMultiplyAdd(a8, x, y); a9 = Vector256.FusedMultiplyAdd(a9, x, y);
            a10 = Vector256.FusedMultiplyAdd(a10, x, y); a11 = Vector256.FusedMultiplyAdd(a11, x, y);
        }

        return Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop128Fused(long n, float s)
    {
        Vector128<float> x = Vector128.Create(0.999f), y = Vector128.Create(1e-7f);
        Vector128<float> a0 = Vector128.Create(s), a1 = Vector128.Create(s + 0.01f), a2 = Vector128.Create(s + 0.02f), a3 = Vector128.Create(s + 0.03f);
        Vector128<float> a4 = Vector128.Create(s + 0.04f), a5 = Vector128.Create(s + 0.05f), a6 = Vector128.Create(s + 0.06f), a7 = Vector128.Create(s + 0.07f);
        Vector128<float> a8 = Vector128.Create(s + 0.08f), a9 = Vector128.Create(s + 0.09f), a10 = Vector128.Create(s + 0.1f), a11 = Vector128.Create(s + 0.11f);
        for (long i = 0; i < n; i++)
        {
            a0 = Vector128.FusedMultiplyAdd(a0, x, y); a1 = Vector128.FusedMultiplyAdd(a1, x, y);
            a2 = Vector128.FusedMultiplyAdd(a2, x, y); a3 = Vector128.FusedMultiplyAdd(a3, x, y);
            a4 = Vector128.FusedMultiplyAdd(a4, x, y); a5 = Vector128.FusedMultiplyAdd(a5, x, y);
            a6 = Vector128.FusedMultiplyAdd(a6, x, y); a7 = Vector128.FusedMultiplyAdd(a7, x, y);
            a8 = Vector128.FusedMultiplyAdd(a8, x, y); a9 = Vector128.FusedMultiplyAdd(a9, x, y);
            a10 = Vector128.FusedMultiplyAdd(a10, x, y); a11 = Vector128.FusedMultiplyAdd(a11, x, y);
        }

        return Vector128.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }

    // Without hardware FMA the 128-bit kernel multiplies, then adds: that pair is its peak.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop128(long n, float s)
    {
        Vector128<float> x = Vector128.Create(0.999f), y = Vector128.Create(1e-7f);
        Vector128<float> a0 = Vector128.Create(s), a1 = Vector128.Create(s + 0.01f), a2 = Vector128.Create(s + 0.02f), a3 = Vector128.Create(s + 0.03f);
        Vector128<float> a4 = Vector128.Create(s + 0.04f), a5 = Vector128.Create(s + 0.05f), a6 = Vector128.Create(s + 0.06f), a7 = Vector128.Create(s + 0.07f);
        Vector128<float> a8 = Vector128.Create(s + 0.08f), a9 = Vector128.Create(s + 0.09f), a10 = Vector128.Create(s + 0.1f), a11 = Vector128.Create(s + 0.11f);
        for (long i = 0; i < n; i++)
        {
            a0 = (a0 * x) + y; a1 = (a1 * x) + y; a2 = (a2 * x) + y; a3 = (a3 * x) + y;
            a4 = (a4 * x) + y; a5 = (a5 * x) + y; a6 = (a6 * x) + y; a7 = (a7 * x) + y;
            a8 = (a8 * x) + y; a9 = (a9 * x) + y; a10 = (a10 * x) + y; a11 = (a11 * x) + y;
        }

        return Vector128.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }

    private static string? s_cProbe;

    // Builds peak/fma_peak.c once per process into the temp folder; NaN when gcc is missing or the build fails.
    private static double CPeak(string mode, int threads)
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            return double.NaN;
        }

        try
        {
            if (s_cProbe == null)
            {
                string source = Path.Combine(RepositoryRoot, "tests", "MLNet.Mlp.Benchmarks", "peak", "fma_peak.c");
                if (!File.Exists(source))
                {
                    s_cProbe = "";
                    return double.NaN;
                }

                // Named by the source's hash: built once per version of the file, shared by the child processes of `all`.
                string hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(source)))[..12];
                string exe = Path.Combine(Path.GetTempPath(), $"mlnet-mlp-fma-peak-{hash}");
                if (!File.Exists(exe) && Exec("gcc", ["-O2", "-ffp-contract=off", "-pthread", "-o", exe, source]) == null)
                {
                    s_cProbe = "";
                    return double.NaN;
                }

                s_cProbe = exe;
            }

            if (s_cProbe.Length == 0)
            {
                return double.NaN;
            }

            string? output = Exec(s_cProbe, s_cpuTime && threads == 1 ? [mode, threads.ToString(CultureInfo.InvariantCulture), "cpu"] : [mode, threads.ToString(CultureInfo.InvariantCulture)]);
            return output != null && output.StartsWith("GFLOPS ", StringComparison.Ordinal)
                ? double.Parse(output[7..].Trim(), CultureInfo.InvariantCulture) : double.NaN;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            s_cProbe = "";
            return double.NaN;
        }
    }

    private static string? Exec(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        string output = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? output : null;
    }
}
