using System.Reflection;

namespace MLNet.Mlp.Tests;

/// <summary>The engine (MLNet.Mlp.Engine) knows nothing of ML.NET, so that it can be read, tested, benchmarked and used alone.</summary>
public class EngineIndependenceTests
{
    private static readonly string[] EngineNamespaces =
    [
        "MLNet.Mlp.Activations", "MLNet.Mlp.Losses", "MLNet.Mlp.Initializers", "MLNet.Mlp.Layers", "MLNet.Mlp.Networks",
        "MLNet.Mlp.Optimizers", "MLNet.Mlp.Schedules", "MLNet.Mlp.Training", "MLNet.Mlp.Metrics", "MLNet.Mlp.Numerics",
        "MLNet.Mlp.Numerics.Elementwise", "MLNet.Mlp.Numerics.MatrixMultiplication", "MLNet.Mlp.Numerics.Parallel", "MLNet.Mlp.Onnx",
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
    public void TheEngineAssemblyReferencesNoMLNetAssembly()
    {
        // The engine project has no Microsoft.ML package reference, so the compiler keeps the boundary; this guards the
        // project file itself against one being added.
        var references = typeof(MLNet.Mlp.Networks.Network).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.Contains("System.Numerics.Tensors", references);
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.ML", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryEngineNamespaceLivesInTheEngineAssemblyAlone()
    {
        var engine = typeof(MLNet.Mlp.Networks.Network).Assembly;
        var layer = typeof(MLNet.Mlp.Trainers.MlpModelParameters).Assembly;
        Assert.NotEqual(engine, layer);
        Assert.Equal("MLNet.Mlp.Engine", engine.GetName().Name);
        Assert.DoesNotContain(layer.GetTypes(), t => EngineNamespaces.Contains(t.Namespace));
        Assert.All(EngineNamespaces, ns => Assert.Contains(engine.GetTypes(), t => t.Namespace == ns));
    }
}
