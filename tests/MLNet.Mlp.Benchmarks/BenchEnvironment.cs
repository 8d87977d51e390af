using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace MLNet.Mlp.Benchmarks;

/// <summary>Paths, machine facts and child processes shared by the training, inference and peer benchmarks.</summary>
internal static class BenchEnvironment
{
    /// <summary>Marks the one line of a child's standard output that carries its JSON result.</summary>
    public const string ResultPrefix = "RESULT ";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The repository root: the first folder above the executable that holds MLNet.Mlp.sln.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MLNet.Mlp.sln"))) return dir.FullName;
            }
            return Directory.GetCurrentDirectory();
        }
    }

    /// <summary>samples/data/full (from samples/get-data.sh), or MLNET_MLP_DATA when set.</summary>
    public static string DataRoot => Environment.GetEnvironmentVariable("MLNET_MLP_DATA") is { Length: > 0 } d
        ? d : Path.Combine(RepositoryRoot, "samples", "data", "full");

    /// <summary>The folder of one data set ("mnist" or "fashion-mnist"); fails with the command that fetches it.</summary>
    public static string DataSet(string name)
    {
        string dir = Path.Combine(DataRoot, name);
        if (!File.Exists(Path.Combine(dir, "train-images-idx3-ubyte.gz")))
            throw new FileNotFoundException($"{dir} has no train-images-idx3-ubyte.gz: run `bash samples/get-data.sh` first (or set MLNET_MLP_DATA).");
        return dir;
    }

    public static string CpuModel()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal)) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        return "unknown";
    }

    public static string CpuFlags()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (!line.StartsWith("flags", StringComparison.Ordinal)) continue;
                var flags = line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
                return string.Join(" ", new[] { "avx2", "fma", "avx512f" }.Where(flags.Contains));
            }
        }
        catch (IOException) { }
        return "";
    }

    public static string MlNetVersion() => VersionOf(typeof(Microsoft.ML.MLContext).Assembly);

    public static string VersionOf(Assembly assembly)
        => assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
           ?? assembly.GetName().Version?.ToString() ?? "?";

    /// <summary>VmHWM (peak resident set) of this process in bytes, from /proc/self/status.</summary>
    public static long PeakWorkingSet()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                string kb = line[6..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException) { }
        using var p = Process.GetCurrentProcess();
        return p.PeakWorkingSet64;
    }

    /// <summary>Runs this benchmark again in a fresh process (`dotnet &lt;dll&gt; args…`) and returns its RESULT line's JSON.</summary>
    public static T RunSelf<T>(params string[] args) => RunSelfWith<T>(null, args);

    /// <summary>As <see cref="RunSelf{T}"/>, with extra environment variables for the child (an instruction-set switch).</summary>
    public static T RunSelfWith<T>(IDictionary<string, string?>? environment, params string[] args)
    {
        string dll = typeof(BenchEnvironment).Assembly.Location;
        return RunChild<T>("dotnet", [dll, .. args], environment);
    }

    /// <summary>Runs a command, echoes its standard error, and parses the JSON after <see cref="ResultPrefix"/> on standard output.</summary>
    public static T RunChild<T>(string file, IEnumerable<string> args, IDictionary<string, string?>? environment)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) info.ArgumentList.Add(a);
        if (environment != null)
        {
            foreach (var (key, value) in environment)
            {
                if (value == null) info.Environment.Remove(key);
                else info.Environment[key] = value;
            }
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (errors) errors.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        string? result = null;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith(ResultPrefix, StringComparison.Ordinal)) result = line[ResultPrefix.Length..];
            else Console.WriteLine("    | " + line);
        }
        process.WaitForExit();
        if (process.ExitCode != 0 || result == null)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}{(result == null ? " and no result" : "")}:\n{errors}");
        return JsonSerializer.Deserialize<T>(result, Json) ?? throw new InvalidOperationException("Empty result.");
    }

    /// <summary>Runs this benchmark again in a fresh process and returns everything it printed.</summary>
    public static string CaptureSelf(params string[] args) => CaptureSelfWith(null, args);

    /// <summary>As <see cref="CaptureSelf"/>, with extra environment variables for the child.</summary>
    public static string CaptureSelfWith(IDictionary<string, string?>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(typeof(BenchEnvironment).Assembly.Location);
        foreach (string a in args) info.ArgumentList.Add(a);
        if (environment != null)
        {
            foreach (var (key, value) in environment)
            {
                if (value == null) info.Environment.Remove(key);
                else info.Environment[key] = value;
            }
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet.");
        string text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return text;
    }

    /// <summary>Prints the result line that <see cref="RunChild{T}"/> reads.</summary>
    public static void EmitResult<T>(T value) => Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(value, Json));

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return double.NaN;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }

    public static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    public static int IntOption(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    public static string? StringOption(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
