namespace MLNet.Mlp.Samples;

/// <summary>Where the samples find their data: the embedded subset next to the executable, the full sets where samples/get-data.sh puts them.</summary>
public static class SampleData
{
    public static string SubsetDirectory => Path.Combine(AppContext.BaseDirectory, "data", "mnist-subset");

    public static string TabularPath(string file) => Path.Combine(AppContext.BaseDirectory, "data", "tabular", file);

    /// <summary>The folder of a full data set ("mnist", "fashion-mnist"), searched upwards from the executable; null when not fetched.</summary>
    public static string? FullDirectory(string name)
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "samples", "data", "full", name);
            if (File.Exists(Path.Combine(candidate, "train-images-idx3-ubyte.gz"))) return candidate;
        }
        return null;
    }

    /// <summary>
    /// The file <paramref name="file"/> of samples/data/full/text/ (fetched by samples/get-text-data.sh), found by walking
    /// up from the executable; a <see cref="FileNotFoundException"/> saying what to run when it is missing.
    /// </summary>
    /// <param name="file">"spam-assassin.tsv" or "fortunes.tsv".</param>
    public static string RequireText(string file)
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "samples", "data", "full", "text", file);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"The text data set {file} is missing. Fetch it with:  bash samples/get-text-data.sh   (from the repository root), then run this command again.");
    }

    public static string RequireFull(string name)
        => FullDirectory(name) ?? throw new DirectoryNotFoundException(
            $"The full {name} data set is missing. Fetch it with:  bash samples/get-data.sh   (from the repository root), then run this command again.");
}
