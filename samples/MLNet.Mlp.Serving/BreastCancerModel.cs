using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Serving;

/// <summary>
/// The model the server trains when it has none: the <c>binary</c> sample's network (standardize, 30 → 16 ReLU → 1,
/// Adam) fitted on every row of breast-cancer.csv (features first, then a boolean <c>Label</c>).
/// </summary>
public static class BreastCancerModel
{
    /// <summary>Trains on <paramref name="csvPath"/> and saves the model to <paramref name="modelPath"/> (atomically).</summary>
    public static void TrainAndSave(MLContext ml, string csvPath, int epochs, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(ml);
        if (!File.Exists(csvPath)) throw new FileNotFoundException($"No model to load and no training data at {csvPath}.", csvPath);
        int featureCount = File.ReadLines(csvPath).First().Split(',').Length - 1;
        var data = ml.Data.LoadFromTextFile(csvPath,
            [new TextLoader.Column("Features", DataKind.Single, 0, featureCount - 1), new TextLoader.Column("Label", DataKind.Boolean, featureCount)],
            separatorChar: ',', hasHeader: true);
        var pipeline = ml.Transforms.NormalizeMeanVariance("Features")
            .Append(ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions
            {
                HiddenLayers = [16],
                Optimizer = new AdamOptimizer(),
                LearningRate = 0.003f,
                BatchSize = 16,
                NumberOfEpochs = epochs,
                Seed = 0,
            }));
        var model = pipeline.Fit(data);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(modelPath));
        if (directory != null) Directory.CreateDirectory(directory);
        ml.Model.SaveAtomically(model, data.Schema, modelPath);
    }

    /// <summary>The feature rows of a CSV in the same layout (header, features, then the label), as clients send them.</summary>
    public static float[][] ReadFeatureRows(string csvPath)
        => File.ReadLines(csvPath).Skip(1).Where(line => line.Length > 0)
            .Select(line =>
            {
                string[] fields = line.Split(',');
                return fields[..^1].Select(f => float.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            })
            .ToArray();
}
