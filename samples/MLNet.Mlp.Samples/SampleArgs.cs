using System.Globalization;

namespace MLNet.Mlp.Samples;

/// <summary>
/// The options the sub-commands share: <c>--data subset|mnist|fashion</c>, <c>--epochs N</c>, <c>--out DIR</c>,
/// <c>--train-rows N</c>, <c>--threads N</c>, plus a few flags a sub-command may read (<c>--no-train</c>).
/// </summary>
public sealed class SampleArgs
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    /// <summary>The options every sample knows, with whether they take a value.</summary>
    private static readonly Dictionary<string, bool> Known = new(StringComparer.Ordinal)
    {
        ["--data"] = true, ["--epochs"] = true, ["--out"] = true, ["--train-rows"] = true,
        ["--threads"] = true, ["--seed"] = true, ["--no-train"] = false, ["--help"] = false,
    };

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> on an unknown option or a missing value.</summary>
    public static SampleArgs Parse(IReadOnlyList<string> args)
    {
        var parsed = new SampleArgs();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (!Known.TryGetValue(name, out bool takesValue))
                throw new ArgumentException($"Unknown option '{name}'.");
            if (!takesValue) { parsed._values[name] = null; continue; }
            if (i + 1 >= args.Count) throw new ArgumentException($"Option '{name}' needs a value.");
            parsed._values[name] = args[++i];
        }
        return parsed;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public int? GetInt(string name)
    {
        string? v = Get(name);
        if (v is null) return null;
        return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n
            : throw new ArgumentException($"Option '{name}' needs a positive integer, not '{v}'.");
    }

    /// <summary>The data set named by <c>--data</c>, or <paramref name="fallback"/>.</summary>
    public MnistChoice Data(MnistChoice fallback) => Get("--data") switch
    {
        null => fallback,
        "subset" => MnistChoice.Subset,
        "mnist" => MnistChoice.Mnist,
        "fashion" or "fashion-mnist" => MnistChoice.Fashion,
        string other => throw new ArgumentException($"Unknown data set '{other}' (use subset, mnist or fashion)."),
    };

    /// <summary>The output folder for the PNGs (<c>--out</c>), by default the current folder.</summary>
    public string OutputDirectory => Get("--out") ?? Directory.GetCurrentDirectory();
}
