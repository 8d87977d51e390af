using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;

namespace MLNet.Mlp.Tests.Packaging;

/// <summary>
/// Packs src/MLNet.Mlp (which packs MLNet.Mlp.Engine with it) into a folder feed under the temp folder, at a version
/// no earlier run can have used. Build output goes to a temp artifacts folder, so nothing is written into the source
/// tree; everything made here is deleted on dispose.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);

    public PackedFeed()
    {
        Root = Path.Combine(Path.GetTempPath(), $"mlnet-mlp-pack-{Guid.NewGuid():N}");
        Feed = Path.Combine(Root, "feed");
        Directory.CreateDirectory(Feed);
        try
        {
            // A prerelease label unique to this run: a package of the same id and version cannot already sit in any
            // NuGet cache, so the app below can only restore the one packed here.
            VersionSuffix = $"test-{Guid.NewGuid():N}";
            var project = Path.Combine(RepositoryRoot, "src", "MLNet.Mlp", "MLNet.Mlp.csproj");
            DotnetCli.Run(RepositoryRoot, PackTimeout, null,
                "pack", project, "-c", "Release", "-o", Feed, "--disable-build-servers",
                $"-p:VersionSuffix={VersionSuffix}",
                "-p:UseArtifactsOutput=true", $"-p:ArtifactsPath={Path.Combine(Root, "artifacts")}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The temp folder that holds everything this fixture and its tests make.</summary>
    public string Root { get; }

    /// <summary>The folder feed holding the packed .nupkg files.</summary>
    public string Feed { get; }

    /// <summary>The prerelease label the packages were given.</summary>
    public string VersionSuffix { get; }

    /// <summary>The one package of <paramref name="id"/> packed here.</summary>
    public string PackagePath(string id)
    {
        var matches = Directory.GetFiles(Feed, $"{id}.*-{VersionSuffix}.nupkg")
            .Where(p => Path.GetFileName(p).StartsWith(id + ".", StringComparison.Ordinal)
                && char.IsAsciiDigit(Path.GetFileName(p)[id.Length + 1]))
            .ToArray();
        Assert.True(matches.Length == 1, $"Expected one {id} package with suffix {VersionSuffix} in {Feed}: {string.Join(", ", Directory.GetFiles(Feed).Select(Path.GetFileName))}");
        return matches[0];
    }

    /// <summary>The source tree: the folder above the test assembly that holds MLNet.Mlp.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "MLNet.Mlp.sln")))
                return d.FullName;
        }
        throw new InvalidOperationException($"No MLNet.Mlp.sln above {AppContext.BaseDirectory}.");
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// The packages as a user gets them: the nuspec metadata and files of each, and a console app in a temp folder that
/// references MLNet.Mlp by version from the folder feed, restores, builds, trains and prints a metric.
/// </summary>
public class PackageTests(PackedFeed packed) : IClassFixture<PackedFeed>
{
    private const string RepositoryUrl = "https://github.com/mlnet-mlp/MLNet.Mlp";

    [Theory]
    [InlineData("MLNet.Mlp", "MLNet.Mlp.dll")]
    [InlineData("MLNet.Mlp.Engine", "MLNet.Mlp.Engine.dll")]
    public void EachPackageCarriesLicenseReadmeRepositoryAndXmlDocs(string id, string assembly)
    {
        using var zip = ZipFile.OpenRead(packed.PackagePath(id));
        var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("LICENSE", names);
        Assert.Contains("README.md", names);
        Assert.Contains($"lib/net10.0/{assembly}", names);
        Assert.Contains($"lib/net10.0/{Path.ChangeExtension(assembly, ".xml")}", names);
        Assert.Contains("MIT License", Read(zip, "LICENSE"), StringComparison.Ordinal);
        Assert.StartsWith("# ", Read(zip, "README.md"), StringComparison.Ordinal);

        var metadata = Nuspec(zip, id);
        XNamespace ns = metadata.Name.Namespace;
        Assert.Equal(id, metadata.Element(ns + "id")?.Value);
        Assert.EndsWith("-" + packed.VersionSuffix, metadata.Element(ns + "version")?.Value, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value));
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "authors")?.Value));
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "tags")?.Value));
        var license = metadata.Element(ns + "license");
        Assert.Equal("expression", license?.Attribute("type")?.Value);
        Assert.Equal("MIT", license?.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
        var repository = metadata.Element(ns + "repository");
        Assert.Equal("git", repository?.Attribute("type")?.Value);
        Assert.Equal(RepositoryUrl, repository?.Attribute("url")?.Value);
    }

    [Fact]
    public void TheMLNetPackageDependsOnTheEngineAtTheSameVersion()
    {
        using var zip = ZipFile.OpenRead(packed.PackagePath("MLNet.Mlp"));
        var metadata = Nuspec(zip, "MLNet.Mlp");
        XNamespace ns = metadata.Name.Namespace;
        string version = metadata.Element(ns + "version")!.Value;
        var dependencies = metadata.Descendants(ns + "dependency").ToDictionary(d => d.Attribute("id")!.Value, d => d.Attribute("version")!.Value);
        Assert.Equal(version, dependencies["MLNet.Mlp.Engine"]);
        Assert.Contains("Microsoft.ML", dependencies.Keys);
    }

    [Fact]
    public void AConsoleAppReferencingThePackageByVersionTrainsAndPrintsASaneMetric()
    {
        using var zip = ZipFile.OpenRead(packed.PackagePath("MLNet.Mlp"));
        XNamespace ns = Nuspec(zip, "MLNet.Mlp").Name.Namespace;
        string version = Nuspec(zip, "MLNet.Mlp").Element(ns + "version")!.Value;

        string app = Path.Combine(packed.Root, "app");
        string packages = Path.Combine(packed.Root, "packages");
        Directory.CreateDirectory(app);
        // Stop MSBuild's upward search for Directory.*.props/targets at the temp root, whatever lies above it.
        foreach (string file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            File.WriteAllText(Path.Combine(packed.Root, file), "<Project />\n");

        // The folder feed is added to the machine's configured sources (no <clear/>). Packages restore into a folder of
        // this run's own, with the machine's global packages folder as a read-only fallback (Microsoft.ML and the rest
        // are found there instead of downloaded again); only this run's packages land in the new folder.
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{packages}" />
              </config>
              <packageSources>
                <add key="mlnet-mlp-test-feed" value="{packed.Feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine-global-packages" value="{MachineGlobalPackagesFolder()}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "PackageConsumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <InvariantGlobalization>true</InvariantGlobalization>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="MLNet.Mlp" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), ConsumerProgram);

        var environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = packages };
        string output = Path.Combine(packed.Root, "app-bin");
        DotnetCli.Run(app, TimeSpan.FromMinutes(5), environment, "build", "PackageConsumer.csproj", "-c", "Release", "-o", output, "--disable-build-servers");

        // The app must have compiled against the packages restored from the feed, not anything else.
        Assert.True(Directory.Exists(Path.Combine(packages, "mlnet.mlp", version.ToLowerInvariant())), $"MLNet.Mlp {version} was not restored into {packages}.");
        Assert.True(Directory.Exists(Path.Combine(packages, "mlnet.mlp.engine", version.ToLowerInvariant())), $"MLNet.Mlp.Engine {version} was not restored into {packages}.");

        string stdout = DotnetCli.Run(app, TimeSpan.FromMinutes(2), environment, Path.Combine(output, "PackageConsumer.dll"));
        var values = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
        Assert.True(values.TryGetValue("accuracy", out double accuracy), stdout);
        Assert.True(values.TryGetValue("auc", out double auc), stdout);
        // Inside versus outside a circle: no linear model passes 0.8, a small MLP does easily.
        Assert.InRange(accuracy, 0.85, 1.0);
        Assert.InRange(auc, 0.9, 1.0);
    }

    private const string ConsumerProgram = """
        using System.Globalization;
        using Microsoft.ML;
        using Microsoft.ML.Data;

        var random = new Random(7);
        var rows = new List<Row>();
        for (int i = 0; i < 600; i++)
        {
            float x = (float)(random.NextDouble() * 2 - 1), y = (float)(random.NextDouble() * 2 - 1);
            rows.Add(new Row { Features = [x, y], Label = x * x + y * y < 0.5f });
        }

        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(rows), testFraction: 0.25, seed: 1);
        var model = ml.BinaryClassification.Trainers.Mlp(hiddenLayers: [16], numberOfEpochs: 60, learningRate: 0.01f, batchSize: 16)
            .Fit(split.TrainSet);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
        Console.WriteLine("accuracy=" + metrics.Accuracy.ToString("R", CultureInfo.InvariantCulture));
        Console.WriteLine("auc=" + metrics.AreaUnderRocCurve.ToString("R", CultureInfo.InvariantCulture));

        public sealed class Row
        {
            [VectorType(2)]
            public float[] Features { get; set; } = [];

            public bool Label { get; set; }
        }
        """;

    private static XElement Nuspec(ZipArchive zip, string id) =>
        XDocument.Parse(Read(zip, id + ".nuspec")).Root!.Elements().Single(e => e.Name.LocalName == "metadata");

    private static string Read(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name);
        Assert.True(entry is not null, $"{name} is not in the package.");
        using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>The global packages folder of the machine's NuGet configuration (NUGET_PACKAGES or ~/.nuget/packages).</summary>
    private static string MachineGlobalPackagesFolder()
    {
        string listing = DotnetCli.Run(Path.GetTempPath(), TimeSpan.FromMinutes(1), null, "nuget", "locals", "global-packages", "--list");
        const string prefix = "global-packages:";
        string? line = listing.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(line is not null, listing);
        return line[prefix.Length..].Trim();
    }
}

/// <summary>Runs the dotnet CLI as a child process with the MSBuild variables of the test run's own build removed.</summary>
internal static class DotnetCli
{
    private static readonly string[] InheritedBuildVariables =
        ["MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly", "MSBUILDNOINPROCNODE"];

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="directory"/>; fails the test on
    /// a non-zero exit code or on <paramref name="timeout"/>, and returns the standard output.</summary>
    public static string Run(string directory, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(DotnetHost.Path)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (string name in InheritedBuildVariables)
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            start.Environment[name] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', arguments)} did not finish in {timeout}.\n{stdout.Result}\n{stderr.Result}");
        }
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }
}
