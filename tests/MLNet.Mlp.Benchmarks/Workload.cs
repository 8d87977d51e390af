using MLNet.Mlp.Optimizers;

namespace MLNet.Mlp.Benchmarks;

/// <summary>One training workload; the PyTorch script (torch/mlp_bench.py) defines the same four.</summary>
internal sealed record Workload(string Name, string DataSet, int[] Hidden, string Optimizer, float LearningRate, int BatchSize, int Epochs)
{
    public static readonly Workload[] All =
    [
        new("W1", "mnist", [128], "sgd", 0.01f, 20, 10),
        new("W2", "mnist", [128], "adam", 1e-3f, 64, 10),
        new("W3", "mnist", [512, 256], "adam", 1e-3f, 256, 5),
        new("W4", "fashion-mnist", [128], "adam", 1e-3f, 64, 10),
    ];

    /// <summary>The accuracy each workload must reach (the issue's floor: speed must not cost accuracy).</summary>
    public double AccuracyTarget => Name switch { "W1" => 0.960, "W2" => 0.975, "W3" => 0.976, _ => 0.880 };

    public static Workload Get(string name)
        => All.FirstOrDefault(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase))
           ?? throw new ArgumentException($"Unknown workload '{name}'; expected one of {string.Join(", ", All.Select(w => w.Name))}.");

    public IOptimizer CreateOptimizer() => Optimizer == "sgd" ? new SgdOptimizer() : new AdamOptimizer();

    public string Description => $"{DataSet} 784-{string.Join("-", Hidden)}-10 ReLU/softmax, {(Optimizer == "sgd" ? "SGD" : "Adam")} lr {LearningRate:G}, batch {BatchSize}, {Epochs} epochs";
}
