using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Fitting;

/// <summary>
/// Regression labels standardized to zero mean and unit variance per output for training; the model keeps
/// <see cref="Mean"/> and <see cref="Scale"/> and maps its outputs back (prediction = output·scale + mean).
/// </summary>
internal sealed class LabelStandardization
{
    private LabelStandardization(float[] mean, float[] scale)
    {
        Mean = mean;
        Scale = scale;
    }

    /// <summary>The mean of each label value.</summary>
    public float[] Mean { get; }

    /// <summary>The standard deviation of each label value (1 for a constant one).</summary>
    public float[] Scale { get; }

    /// <summary>The standardization of <paramref name="data"/>'s targets, computed in double.</summary>
    public static LabelStandardization Fit(TrainingData data)
    {
        int w = data.TargetWidth;
        var mean = new float[w];
        var scale = new float[w];
        for (int k = 0; k < w; k++)
        {
            double sum = 0, sq = 0;
            for (int r = 0; r < data.Rows; r++) sum += data.Targets[r * w + k];
            double mu = sum / data.Rows;
            for (int r = 0; r < data.Rows; r++) { double d = data.Targets[r * w + k] - mu; sq += d * d; }
            double sd = Math.Sqrt(sq / data.Rows);
            mean[k] = (float)mu;
            scale[k] = sd > 1e-12 ? (float)sd : 1f;
        }
        return new LabelStandardization(mean, scale);
    }

    /// <summary>The standardization <paramref name="model"/> was trained with, or null.</summary>
    public static LabelStandardization? Of(MlpModelParameters model) => model.LabelMean is { } mean ? new LabelStandardization(mean, model.LabelScale!) : null;

    /// <summary><paramref name="data"/> with standardized targets.</summary>
    public TrainingData Apply(TrainingData data)
    {
        int w = data.TargetWidth;
        var targets = new float[data.Targets.Length];
        for (int i = 0; i < targets.Length; i++) targets[i] = (data.Targets[i] - Mean[i % w]) / Scale[i % w];
        return data.SparseFeatures is { } sparse
            ? new TrainingData(sparse, targets, w, data.Weights)
            : new TrainingData(data.Features, data.FeatureCount, targets, w, data.Weights) { InputOffset = data.InputOffset };
    }
}
