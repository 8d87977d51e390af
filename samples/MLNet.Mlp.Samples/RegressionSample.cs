using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Samples;

/// <summary>
/// Regression on the shipped diabetes set (Efron et al. 2004: 442 patients, 10 raw baseline measurements, label =
/// disease progression a year later): standardize the features, train an MLP (labels standardized inside the
/// trainer), evaluate with ML.NET's regression metrics next to ML.NET's SDCA linear regression, and plot the loss
/// per epoch (regression-loss.png) and predicted against actual values (regression-predictions.png).
/// </summary>
public static class RegressionSample
{
    public sealed record Result(double RSquared, double RootMeanSquaredError, double MeanAbsoluteError,
        double BaselineRSquared, IReadOnlyList<EpochRecord> History, IReadOnlyList<string> Files);

    /// <summary>Command line: <c>regression [--epochs 60] [--out DIR] [--threads N] [--seed N]</c>.</summary>
    public static int Command(SampleArgs args)
    {
        var result = Run(args.GetInt("--epochs") ?? 60, args.OutputDirectory, Console.Out, args.GetInt("--threads"), args.GetInt("--seed") ?? 0);
        return result.RSquared > 0.2 ? 0 : 1;
    }

    public static Result Run(int epochs, string outputDirectory, TextWriter output, int? threads = null, int seed = 0)
    {
        var ml = new MLContext(seed: 0);
        var split = TabularSplit.Load(ml, "diabetes.csv", DataKind.Single);
        output.WriteLine($"diabetes.csv: {split.TrainSet.GetColumn<float>("Label").Count()} training and {split.TestSet.GetColumn<float>("Label").Count()} test rows, 10 features, label = progression after one year.");

        var normalize = ml.Transforms.NormalizeMeanVariance("Features").Fit(split.TrainSet);
        var options = new MlpRegressionOptions
        {
            HiddenLayers = [32],
            // The trainer also centers the features (StandardizeFeatures), on which Adam learns faster than on the
            // normalizer's scale-only output: a smaller rate keeps the 60 epochs from overfitting.
            LearningRate = 0.003f,
            BatchSize = 16,
            NumberOfEpochs = epochs,
            WeightDecay = 0.01f,
            Seed = seed,
            NumberOfThreads = threads,
        };
        output.WriteLine($"Training 10 → 32 ReLU → 1 linear with Adam (lr {options.LearningRate}, weight decay {options.WeightDecay}), batch {options.BatchSize}, {epochs} epochs, standardized labels.");
        var mlp = ml.Regression.Trainers.Mlp(options).Fit(normalize.Transform(split.TrainSet), normalize.Transform(split.TestSet));
        var model = normalize.Append(mlp);
        var history = mlp.Model.History;
        foreach (var e in history.Where(e => e.Epoch == 1 || e.Epoch % Math.Max(1, epochs / 6) == 0 || e.Epoch == epochs))
            output.WriteLine($"  epoch {e.Epoch,3}/{epochs}  loss {e.TrainingLoss:F4}  val_loss {e.ValidationLoss:F4}  val_R² {e.ValidationMetric:F3}");

        var predictions = model.Transform(split.TestSet);
        var metrics = ml.Regression.Evaluate(predictions);
        output.WriteLine($"MLP test metrics: R² {metrics.RSquared:F4}, RMSE {metrics.RootMeanSquaredError:F2}, MAE {metrics.MeanAbsoluteError:F2}.");

        var baseline = ml.Transforms.NormalizeMeanVariance("Features")
            .Append(ml.Regression.Trainers.Sdca())
            .Fit(split.TrainSet);
        var baselineMetrics = ml.Regression.Evaluate(baseline.Transform(split.TestSet));
        output.WriteLine($"ML.NET Sdca linear regression on the same split: R² {baselineMetrics.RSquared:F4}, RMSE {baselineMetrics.RootMeanSquaredError:F2}.");

        string loss = Plots.Lines(Path.Combine(outputDirectory, "regression-loss.png"),
            $"Diabetes, 10-32-1 MLP, Adam (test R² {metrics.RSquared:F3}, RMSE {metrics.RootMeanSquaredError:F1})",
            "epoch", "loss: ½ · mean squared error of the standardized label",
            Plots.LossCurves(history, "validation loss (test rows)"), markers: epochs <= 30);
        var actual = predictions.GetColumn<float>("Label").Select(v => (double)v).ToArray();
        var predicted = predictions.GetColumn<float>("Score").Select(v => (double)v).ToArray();
        string scatter = Plots.PredictedVersusActual(Path.Combine(outputDirectory, "regression-predictions.png"),
            $"Diabetes test rows: MLP predictions (R² {metrics.RSquared:F3})", actual, predicted, "progression");
        output.WriteLine($"Wrote {loss} and {scatter}.");
        return new Result(metrics.RSquared, metrics.RootMeanSquaredError, metrics.MeanAbsoluteError, baselineMetrics.RSquared, history, [loss, scatter]);
    }
}
