using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace Microsoft.ML;

/// <summary>
/// Catalog entries for the MLP trainers, in ML.NET's style: <c>ml.MulticlassClassification.Trainers.Mlp(...)</c>,
/// <c>ml.BinaryClassification.Trainers.Mlp(...)</c> and <c>ml.Regression.Trainers.Mlp(...)</c>, each with simple
/// arguments for the common case and an options object for everything. The trainer works in the catalog's
/// <see cref="MLContext"/> as ML.NET's own trainers do: its log, its seed (when the options set none) and its
/// cancellation.
/// </summary>
public static class MlpCatalog
{
    /// <summary>A multiclass MLP trainer (softmax output, cross-entropy, Adam by default).</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">Key-typed label column.</param>
    /// <param name="featureColumnName">Feature vector column.</param>
    /// <param name="exampleWeightColumnName">Optional example-weight column.</param>
    /// <param name="hiddenLayers">Hidden layer widths; null for the default, one layer of 128 units.</param>
    /// <param name="numberOfEpochs">Passes over the data; null (default) trains until converged (see <see cref="MlpOptionsBase.NumberOfEpochs"/>).</param>
    /// <param name="learningRate">Base learning rate.</param>
    /// <param name="batchSize">Examples per step; null (default) for 32, or every row when there are fewer.</param>
    public static MlpMulticlassTrainer Mlp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = MlpDefaults.LabelColumnName, string featureColumnName = MlpDefaults.FeatureColumnName, string? exampleWeightColumnName = null,
        int[]? hiddenLayers = null, int? numberOfEpochs = null, float learningRate = TrainingDefaults.LearningRate,
        int? batchSize = null)
        => catalog.Mlp(Configure(new MlpMulticlassOptions(), labelColumnName, featureColumnName, exampleWeightColumnName, hiddenLayers, numberOfEpochs, learningRate, batchSize));

    /// <summary>A multiclass MLP trainer with every option.</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="options">The options.</param>
    public static MlpMulticlassTrainer Mlp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, MlpMulticlassOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MlpMulticlassTrainer(options, MlNetInternals.EnvironmentOf(catalog));
    }

    /// <summary>A binary MLP trainer (sigmoid output, binary cross-entropy, Adam by default).</summary>
    /// <param name="catalog">The binary trainers catalog.</param>
    /// <param name="labelColumnName">Boolean label column.</param>
    /// <param name="featureColumnName">Feature vector column.</param>
    /// <param name="exampleWeightColumnName">Optional example-weight column.</param>
    /// <param name="hiddenLayers">Hidden layer widths; null for the default, one layer of 128 units.</param>
    /// <param name="numberOfEpochs">Passes over the data; null (default) trains until converged (see <see cref="MlpOptionsBase.NumberOfEpochs"/>).</param>
    /// <param name="learningRate">Base learning rate.</param>
    /// <param name="batchSize">Examples per step; null (default) for 32, or every row when there are fewer.</param>
    public static MlpBinaryTrainer Mlp(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = MlpDefaults.LabelColumnName, string featureColumnName = MlpDefaults.FeatureColumnName, string? exampleWeightColumnName = null,
        int[]? hiddenLayers = null, int? numberOfEpochs = null, float learningRate = TrainingDefaults.LearningRate,
        int? batchSize = null)
        => catalog.Mlp(Configure(new MlpBinaryOptions(), labelColumnName, featureColumnName, exampleWeightColumnName, hiddenLayers, numberOfEpochs, learningRate, batchSize));

    /// <summary>A binary MLP trainer with every option.</summary>
    /// <param name="catalog">The binary trainers catalog.</param>
    /// <param name="options">The options.</param>
    public static MlpBinaryTrainer Mlp(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, MlpBinaryOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MlpBinaryTrainer(options, MlNetInternals.EnvironmentOf(catalog));
    }

    /// <summary>A regression MLP trainer (identity output, squared error, Adam by default).</summary>
    /// <param name="catalog">The regression trainers catalog.</param>
    /// <param name="labelColumnName">Label column: Single, or a vector of Single for multi-output regression.</param>
    /// <param name="featureColumnName">Feature vector column.</param>
    /// <param name="exampleWeightColumnName">Optional example-weight column.</param>
    /// <param name="hiddenLayers">Hidden layer widths; null for the default, one layer of 128 units.</param>
    /// <param name="numberOfEpochs">Passes over the data; null (default) trains until converged (see <see cref="MlpOptionsBase.NumberOfEpochs"/>).</param>
    /// <param name="learningRate">Base learning rate.</param>
    /// <param name="batchSize">Examples per step; null (default) for 32, or every row when there are fewer.</param>
    public static MlpRegressionTrainer Mlp(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = MlpDefaults.LabelColumnName, string featureColumnName = MlpDefaults.FeatureColumnName, string? exampleWeightColumnName = null,
        int[]? hiddenLayers = null, int? numberOfEpochs = null, float learningRate = TrainingDefaults.LearningRate,
        int? batchSize = null)
        => catalog.Mlp(Configure(new MlpRegressionOptions(), labelColumnName, featureColumnName, exampleWeightColumnName, hiddenLayers, numberOfEpochs, learningRate, batchSize));

    /// <summary>A regression MLP trainer with every option.</summary>
    /// <param name="catalog">The regression trainers catalog.</param>
    /// <param name="options">The options.</param>
    public static MlpRegressionTrainer Mlp(this RegressionCatalog.RegressionTrainers catalog, MlpRegressionOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MlpRegressionTrainer(options, MlNetInternals.EnvironmentOf(catalog));
    }

    private static T Configure<T>(T options, string label, string features, string? weights, int[]? hidden, int? epochs, float learningRate, int? batchSize)
        where T : MlpOptionsBase
    {
        options.LabelColumnName = label;
        options.FeatureColumnName = features;
        options.ExampleWeightColumnName = weights;
        if (hidden != null) options.HiddenLayers = hidden;
        options.NumberOfEpochs = epochs;
        options.LearningRate = learningRate;
        options.BatchSize = batchSize;
        return options;
    }
}
