using Microsoft.Extensions.Configuration;

namespace MLNet.Mlp.Serving;

/// <summary>
/// The server's settings, from configuration (command line <c>--Model:Path=…</c>, environment <c>Model__Path</c>, …).
/// </summary>
public sealed class ServingOptions
{
    /// <summary>The model file (<c>Model:Path</c>, default <c>model.zip</c> in the current folder); trained when missing.</summary>
    public string ModelPath { get; init; } = "model.zip";

    /// <summary>The CSV trained on when the model file is missing (<c>Model:TrainingData</c>; default the shipped breast-cancer.csv).</summary>
    public string TrainingData { get; init; } = System.IO.Path.Combine(AppContext.BaseDirectory, "data", "tabular", "breast-cancer.csv");

    /// <summary>Epochs of that training (<c>Model:TrainingEpochs</c>, default 60).</summary>
    public int TrainingEpochs { get; init; } = 60;

    /// <summary>
    /// How many idle engines the pool keeps (<c>Serving:PoolSize</c>, default twice the processor count). Under more
    /// concurrent requests than that the pool creates engines and disposes the ones it cannot keep.
    /// </summary>
    public int PoolSize { get; init; } = Environment.ProcessorCount * 2;

    /// <summary>Reads the settings from configuration, with the defaults above for those not given.</summary>
    public static ServingOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var defaults = new ServingOptions();
        var options = new ServingOptions
        {
            ModelPath = configuration["Model:Path"] is { Length: > 0 } path ? path : defaults.ModelPath,
            TrainingData = configuration["Model:TrainingData"] is { Length: > 0 } data ? data : defaults.TrainingData,
            TrainingEpochs = configuration.GetValue("Model:TrainingEpochs", defaults.TrainingEpochs),
            PoolSize = configuration.GetValue("Serving:PoolSize", defaults.PoolSize),
        };
        if (options.TrainingEpochs < 1) throw new ArgumentException($"Model:TrainingEpochs must be at least 1; it is {options.TrainingEpochs}.");
        if (options.PoolSize < 1) throw new ArgumentException($"Serving:PoolSize must be at least 1; it is {options.PoolSize}.");
        return options;
    }
}
