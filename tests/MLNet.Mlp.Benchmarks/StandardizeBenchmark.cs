using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Datasets;
using MLNet.Mlp.Tests.Compatibility;
using MLNet.Mlp.Trainers;
using static MLNet.Mlp.Benchmarks.BenchEnvironment;

namespace MLNet.Mlp.Benchmarks;

/// <summary>
/// <c>standardize [--epochs N] [--folds K] [--filter TEXT]</c>: what <see cref="MlpOptionsBase.StandardizeFeatures"/>
/// buys. Each table of samples/data/tabular is cross-validated (K folds, default 5) with the trainer's defaults and N
/// epochs (default 100), fed raw, through <c>NormalizeMeanVariance</c> (scale only, its default, and centered) and through <c>NormalizeMinMax</c>, with the
/// option on and off; one more table is breast cancer with its columns rescaled to span 1e-3 … 1e6, and last the committed MNIST subset
/// (train on its training images, test on its test images). Prints the mean
/// test metric over the folds: accuracy (binary), micro accuracy (multiclass), R² (regression).
/// </summary>
internal static class StandardizeBenchmark
{
    private sealed record Case(string Name, string File, MlpTask Task, Func<float[], int, float[]>? Rescale = null);

    private static readonly Case[] Cases =
    [
        new("breast-cancer", "breast-cancer.csv", MlpTask.BinaryClassification),
        new("breast-cancer 1e-3..1e6", "breast-cancer.csv", MlpTask.BinaryClassification, MixedScales),
        new("iris", "iris.csv", MlpTask.MulticlassClassification),
        new("wine", "wine.csv", MlpTask.MulticlassClassification),
        new("diabetes", "diabetes.csv", MlpTask.Regression),
    ];

    public static int Run(string[] args)
    {
        int epochs = IntArgument(args, "--epochs") ?? 100;
        int folds = IntArgument(args, "--folds") ?? 5;
        string? filter = Argument(args, "--filter");
        var data = new CompatibilityData(Path.Combine(RepositoryRoot, "samples", "data"));
        Console.WriteLine($"Cross-validation, {folds} folds, trainer defaults with NumberOfEpochs = {epochs}; mean test metric over the folds.");
        Console.WriteLine("| table | metric | preprocessing | StandardizeFeatures on | off |");
        Console.WriteLine("|---|---|---|---:|---:|");
        foreach (var table in Cases.Where(t => filter is null || t.Name.Contains(filter, StringComparison.Ordinal)))
        {
            var t = data.Tabular(table.File);
            var features = table.Rescale?.Invoke(t.Features, t.FeatureCount) ?? t.Features;
            foreach (var preprocessing in new[] { "raw", "NormalizeMeanVariance", "NormalizeMeanVariance(fixZero: false)", "NormalizeMinMax" })
            {
                double on = CrossValidate(table, features, t, preprocessing, epochs, folds, standardize: true);
                double off = CrossValidate(table, features, t, preprocessing, epochs, folds, standardize: false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {table.Name} | {Metric(table.Task)} | {preprocessing} | {on:F4} | {off:F4} |"));
            }
        }
        if (filter is null || "mnist".Contains(filter, StringComparison.Ordinal))
        {
            // Pixels in [0, 1], already on one scale, where standardizing magnifies the rarely lit border pixels: the
            // committed subset's training images, tested on its test images (no cross-validation), N epochs.
            string directory = Path.Combine(RepositoryRoot, "samples", "data", "mnist-subset");
            double on = Mnist(directory, epochs, standardize: true), off = Mnist(directory, epochs, standardize: false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| mnist-subset (test images) | micro accuracy | raw | {on:F4} | {off:F4} |"));
        }
        return 0;
    }

    private static double Mnist(string directory, int epochs, bool standardize)
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromIdx(Path.Combine(directory, "train-images-idx3-ubyte.gz"), Path.Combine(directory, "train-labels-idx1-ubyte.gz"));
        var test = ml.Data.LoadFromIdx(Path.Combine(directory, "t10k-images-idx3-ubyte.gz"), Path.Combine(directory, "t10k-labels-idx1-ubyte.gz"));
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { NumberOfEpochs = epochs, StandardizeFeatures = standardize }))
            .Fit(train);
        return ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
    }

    /// <summary>Column j multiplied by 10^(−3 + 9·j/(F−1)): the first spans thousandths, the last millions.</summary>
    private static float[] MixedScales(float[] features, int featureCount)
    {
        var scaled = (float[])features.Clone();
        for (int i = 0; i < scaled.Length; i++)
            scaled[i] *= (float)Math.Pow(10, -3 + 9.0 * (i % featureCount) / (featureCount - 1));
        return scaled;
    }

    private static string Metric(MlpTask task) => task switch
    {
        MlpTask.BinaryClassification => "accuracy",
        MlpTask.MulticlassClassification => "micro accuracy",
        _ => "R²",
    };

    private static double CrossValidate(Case table, float[] features, CompatibilityData.Table t, string preprocessing, int epochs, int folds, bool standardize)
    {
        var ml = new MLContext(seed: 1);
        IEstimator<ITransformer> front = preprocessing switch
        {
            "NormalizeMeanVariance" => ml.Transforms.NormalizeMeanVariance("Features"),
            // Centered too, as the trainer's own standardization is; the default keeps zero at zero (scale only).
            "NormalizeMeanVariance(fixZero: false)" => ml.Transforms.NormalizeMeanVariance("Features", fixZero: false),
            "NormalizeMinMax" => ml.Transforms.NormalizeMinMax("Features"),
            _ => new EstimatorChain<ITransformer>(),
        };
        switch (table.Task)
        {
            case MlpTask.BinaryClassification:
            {
                var pipeline = front.Append(ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { NumberOfEpochs = epochs, StandardizeFeatures = standardize }));
                var data = CompatibilityData.BooleanLabels(ml, features, t.FeatureCount, t.Labels);
                return ml.BinaryClassification.CrossValidate(data, pipeline, folds).Average(r => r.Metrics.Accuracy);
            }
            case MlpTask.MulticlassClassification:
            {
                var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(front)
                    .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { NumberOfEpochs = epochs, StandardizeFeatures = standardize }));
                var data = CompatibilityData.ScalarLabels(ml, features, t.FeatureCount, t.Labels);
                return ml.MulticlassClassification.CrossValidate(data, pipeline, folds).Average(r => r.Metrics.MicroAccuracy);
            }
            default:
            {
                var pipeline = front.Append(ml.Regression.Trainers.Mlp(new MlpRegressionOptions { NumberOfEpochs = epochs, StandardizeFeatures = standardize }));
                var data = CompatibilityData.ScalarLabels(ml, features, t.FeatureCount, t.Labels);
                return ml.Regression.CrossValidate(data, pipeline, folds).Average(r => r.Metrics.RSquared);
            }
        }
    }

    private static string? Argument(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int? IntArgument(string[] args, string name) => Argument(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : null;
}
