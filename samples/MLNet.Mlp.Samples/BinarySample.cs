using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Samples;

/// <summary>
/// Binary classification on the shipped Breast Cancer Wisconsin (Diagnostic) set (569 tumours, 30 features,
/// Label true = malignant): standardize the features, train an MLP, evaluate with ML.NET's binary metrics next to
/// ML.NET's own logistic regression, and plot the loss per epoch (binary-loss.png).
/// </summary>
public static class BinarySample
{
    public sealed record Result(double Accuracy, double AreaUnderRocCurve, double F1Score, double LogLoss,
        double BaselineAccuracy, double BaselineAreaUnderRocCurve, IReadOnlyList<EpochRecord> History, IReadOnlyList<string> Files);

    /// <summary>Command line: <c>binary [--epochs 60] [--out DIR] [--threads N] [--seed N]</c>.</summary>
    public static int Command(SampleArgs args)
    {
        var result = Run(args.GetInt("--epochs") ?? 60, args.OutputDirectory, Console.Out, args.GetInt("--threads"), args.GetInt("--seed") ?? 0);
        return result.Accuracy > 0.8 ? 0 : 1;
    }

    public static Result Run(int epochs, string outputDirectory, TextWriter output, int? threads = null, int seed = 0)
    {
        var ml = new MLContext(seed: 0);
        var split = TabularSplit.Load(ml, "breast-cancer.csv", DataKind.Boolean);
        output.WriteLine($"breast-cancer.csv: {split.TrainSet.GetColumn<bool>("Label").Count()} training and {split.TestSet.GetColumn<bool>("Label").Count()} test rows, 30 features, Label true = malignant.");

        // Preprocessing is fitted on the training rows only; the test rows go through it as validation data, so
        // the history has a validation loss per epoch (measured, never used to choose anything).
        var normalize = ml.Transforms.NormalizeMeanVariance("Features").Fit(split.TrainSet);
        var options = new MlpBinaryOptions
        {
            HiddenLayers = [16],
            // The trainer also centers the features (StandardizeFeatures), on which Adam learns faster than on the
            // normalizer's scale-only output: a smaller rate keeps the 60 epochs from overfitting.
            LearningRate = 0.001f,
            BatchSize = 16,
            NumberOfEpochs = epochs,
            Seed = seed,
            NumberOfThreads = threads,
        };
        output.WriteLine($"Training 30 → 16 ReLU → 1 sigmoid with Adam (lr {options.LearningRate}), batch {options.BatchSize}, {epochs} epochs.");
        var mlp = ml.BinaryClassification.Trainers.Mlp(options).Fit(normalize.Transform(split.TrainSet), normalize.Transform(split.TestSet));
        var model = normalize.Append(mlp);
        var history = mlp.Model.History;
        foreach (var e in history.Where(e => e.Epoch == 1 || e.Epoch % Math.Max(1, epochs / 6) == 0 || e.Epoch == epochs))
            output.WriteLine($"  epoch {e.Epoch,3}/{epochs}  loss {e.TrainingLoss:F4}  val_loss {e.ValidationLoss:F4}  val_accuracy {e.ValidationMetric:P1}");

        var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
        output.WriteLine($"MLP test metrics: accuracy {metrics.Accuracy:P2}, AUC {metrics.AreaUnderRocCurve:F4}, F1 {metrics.F1Score:F4}, log-loss {metrics.LogLoss:F4}.");
        output.WriteLine(metrics.ConfusionMatrix.GetFormattedConfusionTable());

        var baseline = ml.Transforms.NormalizeMeanVariance("Features")
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression())
            .Fit(split.TrainSet);
        var baselineMetrics = ml.BinaryClassification.Evaluate(baseline.Transform(split.TestSet));
        output.WriteLine($"ML.NET LbfgsLogisticRegression on the same split: accuracy {baselineMetrics.Accuracy:P2}, AUC {baselineMetrics.AreaUnderRocCurve:F4}.");

        string path = Plots.Lines(Path.Combine(outputDirectory, "binary-loss.png"),
            $"Breast cancer, 30-16-1 MLP, Adam (test accuracy {metrics.Accuracy:P1}, AUC {metrics.AreaUnderRocCurve:F3})",
            "epoch", "binary cross-entropy loss",
            Plots.LossCurves(history, "validation loss (test rows)"), markers: epochs <= 30);
        output.WriteLine($"Wrote {path}.");
        return new Result(metrics.Accuracy, metrics.AreaUnderRocCurve, metrics.F1Score, metrics.LogLoss,
            baselineMetrics.Accuracy, baselineMetrics.AreaUnderRocCurve, history, [path]);
    }
}
