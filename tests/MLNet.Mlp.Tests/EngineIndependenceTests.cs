using System.Reflection;

namespace MLNet.Mlp.Tests;

/// <summary>The engine knows nothing of ML.NET, so that it can be read, tested and benchmarked alone.</summary>
public class EngineIndependenceTests
{
    private static readonly string[] EngineNamespaces =
    [
        "MLNet.Mlp.Activations", "MLNet.Mlp.Losses", "MLNet.Mlp.Initializers", "MLNet.Mlp.Layers", "MLNet.Mlp.Networks",
        "MLNet.Mlp.Optimizers", "MLNet.Mlp.Schedules", "MLNet.Mlp.Training", "MLNet.Mlp.Metrics", "MLNet.Mlp.Numerics",
        "MLNet.Mlp.Onnx",
    ];

    private static bool IsMLNet(Type? type)
    {
        if (type is null) return false;
        if (type.IsGenericType && type.GetGenericArguments().Any(IsMLNet)) return true;
        if (type.HasElementType) return IsMLNet(type.GetElementType());
        return type.Assembly.GetName().Name!.StartsWith("Microsoft.ML", StringComparison.Ordinal);
    }

    [Fact]
    public void NoEngineTypeExposesAnMLNetTypeInItsSignatures()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var engineTypes = typeof(MLNet.Mlp.Networks.Network).Assembly.GetTypes().Where(t => EngineNamespaces.Contains(t.Namespace)).ToArray();
        Assert.NotEmpty(engineTypes);
        var offenders = new List<string>();
        foreach (var type in engineTypes)
        {
            if (IsMLNet(type.BaseType) || type.GetInterfaces().Any(IsMLNet)) offenders.Add(type.FullName!);
            offenders.AddRange(type.GetFields(all).Where(f => IsMLNet(f.FieldType)).Select(f => $"{type.FullName}.{f.Name}"));
            offenders.AddRange(type.GetProperties(all).Where(p => IsMLNet(p.PropertyType)).Select(p => $"{type.FullName}.{p.Name}"));
            offenders.AddRange(type.GetMethods(all)
                .Where(m => IsMLNet(m.ReturnType) || m.GetParameters().Any(p => IsMLNet(p.ParameterType)))
                .Select(m => $"{type.FullName}.{m.Name}"));
        }
        Assert.Empty(offenders);
    }

    [Fact]
    public void NoEngineSourceFileMentionsMicrosoftML()
    {
        var source = FindSourceRoot();
        if (source is null) return;   // the test assembly was copied away from its source tree: nothing to scan
        var offenders = EngineNamespaces
            .Select(ns => Path.Combine(source, ns["MLNet.Mlp.".Length..]))
            .Where(Directory.Exists)
            .SelectMany(dir => Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories))
            .Where(file => File.ReadAllText(file).Contains("Microsoft.ML", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(offenders);
    }

    private static string? FindSourceRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "src", "MLNet.Mlp");
            if (File.Exists(Path.Combine(candidate, "MLNet.Mlp.csproj"))) return candidate;
        }
        return null;
    }
}
