using System.Diagnostics;
using System.Globalization;
using static MLNet.Mlp.Benchmarks.BenchEnvironment;

namespace MLNet.Mlp.Benchmarks;

/// <summary>
/// Runs torch/mlp_bench.py (Debian's python3-torch) in a fresh process per workload. The script is given
/// OpenMP OpenBLAS through LD_LIBRARY_PATH when that build is installed (libopenblas0-openmp), since Debian's torch
/// otherwise loads whatever libblas.so.3 the alternatives point at (reference BLAS, or the spinning pthread
/// OpenBLAS). Nothing is installed here: see tests/MLNet.Mlp.Benchmarks/README.md.
/// </summary>
internal static class TorchPeer
{
    private const string OpenMpBlasFolder = "/usr/lib/x86_64-linux-gnu/openblas-openmp";

    /// <summary>What the last PyTorch run reported about itself (versions, BLAS library, threads).</summary>
    public static Dictionary<string, string>? LastInfo { get; private set; }

    /// <summary>Debian's interpreter (python3-torch installs there), not whatever python3 comes first on PATH; MLNET_MLP_PYTHON overrides.</summary>
    public static string Python => System.Environment.GetEnvironmentVariable("MLNET_MLP_PYTHON") is { Length: > 0 } p ? p
        : File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public static string Script => Path.Combine(RepositoryRoot, "tests", "MLNet.Mlp.Benchmarks", "torch", "mlp_bench.py");

    public static void CheckAvailable()
    {
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("import torch, numpy");
        try
        {
            using var p = Process.Start(info)!;
            p.WaitForExit();
            if (p.ExitCode == 0) return;
        }
        catch (System.ComponentModel.Win32Exception) { }
        throw new InvalidOperationException("python3 with torch and numpy is needed for the PyTorch peer: " +
            "apt-get install python3-torch python3-numpy libopenblas0-openmp (see tests/MLNet.Mlp.Benchmarks/README.md), or pass --no-torch.");
    }

    public static TrainRun Train(Workload workload, int epochs, int threads, IDictionary<string, string?>? isaEnvironment = null)
    {
        var env = Environment();
        foreach (var (key, value) in isaEnvironment ?? new Dictionary<string, string?>()) env[key] = value;
        var run = RunChild<TrainRun>(Python, Arguments("train", workload.Name, epochs, threads), env);
        LastInfo = run.Info;
        return run;
    }

    /// <summary>PyTorch inference at batch 1 over the test set (rows/s), for the inference table.</summary>
    public static TrainRun Infer(int threads)
    {
        var run = RunChild<TrainRun>(Python, Arguments("infer", "W2", 1, threads), Environment());
        LastInfo = run.Info;
        return run;
    }

    private static string[] Arguments(string mode, string workload, int epochs, int threads) =>
    [
        Script, mode, "--workload", workload, "--data", DataRoot,
        "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture),
    ];

    private static Dictionary<string, string?> Environment()
    {
        var env = new Dictionary<string, string?>();
        if (Directory.Exists(OpenMpBlasFolder))
        {
            string? old = System.Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            env["LD_LIBRARY_PATH"] = string.IsNullOrEmpty(old) ? OpenMpBlasFolder : OpenMpBlasFolder + ":" + old;
        }
        return env;
    }
}
