using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Samples;

/// <summary>
/// Text classification on sparse features: ml.Transforms.Text.FeaturizeText with default options, then the MLP with
/// default options next to ML.NET's SDCA on the same seeded 80/20 split — spam/ham on SpamAssassin
/// (SdcaLogisticRegression) and ten categories of fortunes (SdcaMaximumEntropy). FeaturizeText's vectors have
/// 10⁵–10⁶ slots with a few hundred non-zeros; the MLP keeps them sparse when training and predicting. Fetch the data
/// with samples/get-text-data.sh; the benchmark console's <c>text</c> command measures each trainer in its own process
/// (peak working set included).
/// </summary>
public static class TextSample
{
    public sealed record Row(string Set, int Features, string Trainer, double Seconds, double Accuracy);

    /// <summary>Command line: <c>text [--set spam|fortunes|both] [--epochs N]</c> (N: the MLP's epochs; default its default).</summary>
    public static int Command(SampleArgs args)
    {
        string set = args.Get("--set") ?? "both";
        var rows = new List<Row>();
        if (set is "spam" or "both") rows.AddRange(Run("spam", args.GetInt("--epochs"), Console.Out));
        if (set is "fortunes" or "both") rows.AddRange(Run("fortunes", args.GetInt("--epochs"), Console.Out));
        if (rows.Count == 0) throw new ArgumentException($"Unknown --set '{set}': expected spam, fortunes or both.");
        Console.WriteLine();
        Console.WriteLine("| set | features | trainer | Fit seconds | test accuracy |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var r in rows) Console.WriteLine($"| {r.Set} | {r.Features:N0} | {r.Trainer} | {r.Seconds:F1} | {r.Accuracy:P2} |");
        return 0;
    }

    /// <summary>Trains the MLP and SDCA on one set and prints their accuracy and Fit time.</summary>
    public static IReadOnlyList<Row> Run(string set, int? epochs, TextWriter output)
    {
        var ml = new MLContext(seed: 0);
        bool binary = set == "spam";
        string file = SampleData.RequireText(binary ? "spam-assassin.tsv" : "fortunes.tsv");
        var columns = binary
            ? new[] { new TextLoader.Column("Label", DataKind.Boolean, 0), new TextLoader.Column("Text", DataKind.String, 1) }
            : [new TextLoader.Column("Category", DataKind.String, 0), new TextLoader.Column("Text", DataKind.String, 1)];
        var data = ml.Data.LoadFromTextFile(file, new TextLoader.Options { Columns = columns, Separators = ['\t'], HasHeader = true, AllowQuoting = false });
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 0);
        var train = ml.Data.Cache(split.TrainSet);

        var rows = new List<Row>();
        foreach (string trainer in new[] { "Mlp", binary ? "SdcaLogisticRegression" : "SdcaMaximumEntropy" })
        {
            var featurize = ml.Transforms.Text.FeaturizeText("Features", "Text");
            EstimatorChain<ITransformer> pipeline = (binary, trainer) switch
            {
                (true, "Mlp") => featurize.Append<ITransformer>(ml.BinaryClassification.Trainers.Mlp(epochs is int n ? new MlpBinaryOptions { NumberOfEpochs = n } : new MlpBinaryOptions())),
                (true, _) => featurize.Append<ITransformer>(ml.BinaryClassification.Trainers.SdcaLogisticRegression()),
                (false, "Mlp") => ml.Transforms.Conversion.MapValueToKey("Label", "Category").Append(featurize)
                    .Append<ITransformer>(ml.MulticlassClassification.Trainers.Mlp(epochs is int n ? new MlpMulticlassOptions { NumberOfEpochs = n } : new MlpMulticlassOptions())),
                _ => ml.Transforms.Conversion.MapValueToKey("Label", "Category").Append(featurize)
                    .Append<ITransformer>(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()),
            };
            output.WriteLine($"{set}: FeaturizeText + {trainer} ...");
            var clock = Stopwatch.StartNew();
            var model = pipeline.Fit(train);
            double seconds = clock.Elapsed.TotalSeconds;
            var scored = model.Transform(split.TestSet);
            double accuracy = binary
                ? ml.BinaryClassification.EvaluateNonCalibrated(scored).Accuracy
                : ml.MulticlassClassification.Evaluate(scored).MicroAccuracy;
            int features = ((VectorDataViewType)scored.Schema["Features"].Type).Size;
            output.WriteLine($"  {features:N0} features, Fit {seconds:F1} s, test accuracy {accuracy:P2}");
            rows.Add(new Row(set, features, trainer, seconds, accuracy));
        }
        return rows;
    }
}
