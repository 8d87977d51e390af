using System.Diagnostics;

namespace MLNet.Mlp.Tests.Persistence;

/// <summary>
/// Runs tests/MLNet.Mlp.ModelLoadCheck (built with the solution) as a separate process, so a saved model is loaded by
/// a fresh runtime with a fresh MLContext and nothing registered.
/// </summary>
internal static class ModelLoadCheckProcess
{
    public static string[] Run(string head, string modelPath, string dataPath)
    {
        string report = Path.Combine(Path.GetTempPath(), $"mlnet-mlp-report-{Guid.NewGuid():N}.txt");
        try
        {
            RunProcess([CheckDll(), head, modelPath, dataPath, report]);
            return File.ReadAllLines(report);
        }
        finally
        {
            File.Delete(report);
        }
    }

    /// <summary>
    /// Loads a binary model with <c>Model.LoadMlp</c> in a child process and scores <paramref name="dataPath"/> through
    /// three PredictionEngines, each disposed before the next is made; returns the child's report ("type" line, then
    /// one "round" line of scores per engine).
    /// </summary>
    public static string[] Serve(string modelPath, string dataPath)
    {
        string report = Path.Combine(Path.GetTempPath(), $"mlnet-mlp-report-{Guid.NewGuid():N}.txt");
        try
        {
            RunProcess([CheckDll(), "serve", modelPath, dataPath, report]);
            return File.ReadAllLines(report);
        }
        finally
        {
            File.Delete(report);
        }
    }

    /// <summary>
    /// Loads several saved pipelines in ONE child process (a process start costs about a second) and returns the
    /// <c>ModelReport</c> of each, in order.
    /// </summary>
    public static string[][] RunPipelines(IReadOnlyList<(string ModelPath, string DataPath)> jobs)
    {
        string manifest = Path.Combine(Path.GetTempPath(), $"mlnet-mlp-manifest-{Guid.NewGuid():N}.txt");
        var reports = jobs.Select(_ => Path.Combine(Path.GetTempPath(), $"mlnet-mlp-report-{Guid.NewGuid():N}.txt")).ToArray();
        File.WriteAllLines(manifest, jobs.Select((j, i) => $"{j.ModelPath}\t{j.DataPath}\t{reports[i]}"));
        try
        {
            RunProcess([CheckDll(), "pipelines", manifest]);
            return reports.Select(File.ReadAllLines).ToArray();
        }
        finally
        {
            File.Delete(manifest);
            foreach (var r in reports) File.Delete(r);
        }
    }

    private static void RunProcess(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(DotnetHost.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in arguments)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The model load check did not finish in two minutes.");
        }
        Assert.True(process.ExitCode == 0, $"Model load check failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
    }

    /// <summary>tests/MLNet.Mlp.ModelLoadCheck/bin/{Configuration}/{tfm}/ next to this assembly's tests/MLNet.Mlp.Tests/bin/{Configuration}/{tfm}/.</summary>
    private static string CheckDll()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = output.Name, configuration = output.Parent!.Name;
        var testsFolder = output.Parent.Parent!.Parent!.Parent!;
        string dll = Path.Combine(testsFolder.FullName, "MLNet.Mlp.ModelLoadCheck", "bin", configuration, tfm, "MLNet.Mlp.ModelLoadCheck.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the solution (the test project references it for build order).");
        return dll;
    }
}
