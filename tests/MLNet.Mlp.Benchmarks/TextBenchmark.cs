using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Trainers;
using static MLNet.Mlp.Benchmarks.BenchEnvironment;

namespace MLNet.Mlp.Benchmarks;

/// <summary>
/// Text classification on sparse features: ml.Transforms.Text.FeaturizeText with default options followed by the MLP
/// (default options, and a given epoch count) or ML.NET's SDCA (SdcaLogisticRegression for spam/ham,
/// SdcaMaximumEntropy for the fortunes' ten categories), each trainer in a fresh process: Fit seconds (featurization
/// included), test accuracy on a seeded 80/20 split and the process's peak working set. Data: samples/get-text-data.sh.
/// </summary>
internal static class TextBenchmark
{
    public static readonly string[] Sets = ["spam", "fortunes"];

    /// <summary><c>text-one SET TRAINER [--epochs N] [--no-standardize] [--log]</c>: one fit in this process, then a RESULT line.</summary>
    public static int RunOne(string[] args)
    {
        string set = args[0], trainerName = args[1];
        int epochs = IntOption(args, "--epochs", 0);
        bool standardize = !args.Contains("--no-standardize");
        float? fraction = StringOption(args, "--validation") is { } v ? float.Parse(v, CultureInfo.InvariantCulture) : null;
        var ml = new MLContext(seed: 0);
        if (args.Contains("--log"))
            ml.Log += (_, e) => { if (e.Source.Contains("Mlp", StringComparison.Ordinal)) Console.WriteLine(e.Message); };
        bool binary = set == "spam";
        string file = Path.Combine(DataRoot, "text", binary ? "spam-assassin.tsv" : "fortunes.tsv");
        if (!File.Exists(file)) throw new FileNotFoundException($"{file} is missing: run `bash samples/get-text-data.sh` first (or set MLNET_MLP_DATA).");
        var columns = binary
            ? new[] { new TextLoader.Column("Label", DataKind.Boolean, 0), new TextLoader.Column("Text", DataKind.String, 1) }
            : [new TextLoader.Column("Category", DataKind.String, 0), new TextLoader.Column("Text", DataKind.String, 1)];
        var data = ml.Data.LoadFromTextFile(file, new TextLoader.Options { Columns = columns, Separators = ['\t'], HasHeader = true, AllowQuoting = false });
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 0);
        var train = ml.Data.Cache(split.TrainSet);
        IEstimator<ITransformer> featurize = ml.Transforms.Text.FeaturizeText("Features", "Text");
        EstimatorChain<ITransformer> pipeline;
        if (binary)
        {
            IEstimator<ITransformer> trainer = trainerName == "sdca"
                ? ml.BinaryClassification.Trainers.SdcaLogisticRegression()
                : ml.BinaryClassification.Trainers.Mlp(epochs > 0 ? new MlpBinaryOptions { NumberOfEpochs = epochs, StandardizeFeatures = standardize } : new MlpBinaryOptions { StandardizeFeatures = standardize, ValidationFraction = fraction });
            pipeline = featurize.Append(trainer);
        }
        else
        {
            IEstimator<ITransformer> trainer = trainerName == "sdca"
                ? ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()
                : ml.MulticlassClassification.Trainers.Mlp(epochs > 0 ? new MlpMulticlassOptions { NumberOfEpochs = epochs, StandardizeFeatures = standardize } : new MlpMulticlassOptions { StandardizeFeatures = standardize, ValidationFraction = fraction });
            pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "Category").Append(featurize).Append(trainer);
        }

        var clock = Stopwatch.StartNew();
        var model = pipeline.Fit(train);
        double seconds = clock.Elapsed.TotalSeconds;
        var scored = model.Transform(split.TestSet);
        double accuracy = binary
            ? (trainerName == "sdca" ? ml.BinaryClassification.Evaluate(scored).Accuracy : ml.BinaryClassification.EvaluateNonCalibrated(scored).Accuracy)
            : ml.MulticlassClassification.Evaluate(scored).MicroAccuracy;
        var features = (VectorDataViewType)model.GetOutputSchema(train.Schema)["Features"].Type;
        EmitResult(new TrainRun
        {
            Side = trainerName + (epochs > 0 ? $" ({epochs} epochs)" : "") + (standardize ? "" : " (no standardization)"), Workload = set, FitSeconds = seconds, Accuracy = accuracy,
            PeakBytes = PeakWorkingSet(), Threads = Environment.ProcessorCount,
            Info = { ["features"] = features.Size.ToString(CultureInfo.InvariantCulture) },
        });
        return 0;
    }

    /// <summary><c>text [--sets spam,fortunes] [--epochs N]</c>: SDCA, the MLP with default options and the MLP with N epochs (5) on each set.</summary>
    public static int Run(string[] args)
    {
        var sets = StringOption(args, "--sets")?.Split(',') ?? Sets;
        string epochs = IntOption(args, "--epochs", 5).ToString(CultureInfo.InvariantCulture);
        var runs = new List<TrainRun>();
        foreach (string set in sets)
        {
            foreach (string[] trainer in new[] { new[] { "sdca" }, ["mlp"], ["mlp", "--epochs", epochs] })
            {
                Console.WriteLine($"{set}: {string.Join(' ', trainer)} ...");
                var run = RunSelf<TrainRun>(["text-one", set, .. trainer]);
                Console.WriteLine($"    {F(run.FitSeconds, "F1")} s, accuracy {F(100 * run.Accuracy, "F2")}%, peak {F(run.PeakBytes / 1048576.0, "F0")} MB");
                runs.Add(run);
            }
        }
        Console.WriteLine();
        Console.WriteLine(Table(runs));
        return 0;
    }

    public static string Table(List<TrainRun> runs)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| set (FeaturizeText, 80/20 split) | features | trainer | Fit seconds | test accuracy | peak working set |");
        sb.AppendLine("|---|---|---|---|---|---|");
        foreach (var r in runs)
            sb.AppendLine($"| {r.Workload} | {r.Info.GetValueOrDefault("features")} | {r.Side} | {F(r.FitSeconds, "F1")} | {F(100 * r.Accuracy, "F2")}% | {F(r.PeakBytes / 1048576.0, "F0")} MB |");
        return sb.ToString();
    }
}
