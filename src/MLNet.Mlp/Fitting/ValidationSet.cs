using Microsoft.ML;
using MLNet.Mlp.Numerics;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Fitting;

/// <summary>
/// Where the validation examples of a <c>Fit</c> come from: the validation data given to <c>Fit</c>, or a seeded random
/// part of the training rows (<see cref="MlpOptionsBase.ValidationFraction"/>) — never both.
/// </summary>
internal static class ValidationSet
{
    /// <summary>Refuses validation data together with a validation fraction.</summary>
    public static void RequireOneSource(IDataView? validationData, float? validationFraction)
    {
        if (validationData != null && validationFraction != null)
            throw new ArgumentException($"Fit was given validation data and ValidationFraction is {validationFraction}; these are mutually exclusive "
                + "(set ValidationFraction to null to use the given validation data, or call Fit without it).", nameof(MlpOptionsBase.ValidationFraction));
    }

    /// <summary>
    /// The fraction of the training rows held out when the options set none and <c>Fit</c> got no validation data:
    /// <see cref="MlpDefaults.SparseValidationFraction"/> for a run on sparse features that trains until converged
    /// (<see cref="MlpOptionsBase.NumberOfEpochs"/> null) on at least <see cref="MlpDefaults.SparseValidationMinimumRows"/>
    /// rows, else null.
    /// </summary>
    public static float? DefaultFraction(MlpOptionsBase options, TrainingData training)
        => DefaultFraction(options, training.Rows, training.SparseFeatures != null);

    /// <summary>As <see cref="DefaultFraction(MlpOptionsBase, TrainingData)"/>, for <paramref name="rows"/> rows that
    /// are sparse or not (the memory estimate's view of the data before it is read).</summary>
    public static float? DefaultFraction(MlpOptionsBase options, long rows, bool sparseFeatures)
        => options.ValidationFraction is null && options.NumberOfEpochs is null && sparseFeatures
           && rows >= MlpDefaults.SparseValidationMinimumRows
            ? MlpDefaults.SparseValidationFraction
            : null;

    /// <summary>
    /// Holds out round(rows × <paramref name="fraction"/>) rows chosen by <paramref name="seed"/>; both parts keep the
    /// original row order.
    /// </summary>
    public static (TrainingData Train, TrainingData Validation) Split(TrainingData data, float fraction, int seed)
    {
        int validationRows = (int)Math.Round(data.Rows * (double)fraction);
        if (validationRows < 1 || validationRows >= data.Rows)
            throw new ArgumentException($"ValidationFraction {fraction} of {data.Rows} rows leaves {validationRows} validation rows; need at least one row on each side.");
        var order = new int[data.Rows];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        new RandomSource(seed, stream: 4).ShuffleInPlace(order);
        var validationIndices = order.AsSpan(0, validationRows).ToArray();
        Array.Sort(validationIndices);
        var trainIndices = order.AsSpan(validationRows).ToArray();
        Array.Sort(trainIndices);
        return (Take(data, trainIndices), Take(data, validationIndices));
    }

    /// <summary>Refuses validation examples of another feature count or label width than the training examples.</summary>
    public static void RequireSameShape(TrainingData training, TrainingData? validation)
    {
        if (validation != null && validation.FeatureCount != training.FeatureCount)
            throw new ArgumentException($"Validation data has {validation.FeatureCount} features but training data has {training.FeatureCount}.", "validationData");
        if (validation != null && validation.TargetWidth != training.TargetWidth)
            throw new ArgumentException($"Validation labels have {validation.TargetWidth} values per row but training labels have {training.TargetWidth}.", "validationData");
    }

    /// <summary>The rows <paramref name="rows"/> of <paramref name="data"/>, in that order, as new arrays.</summary>
    public static TrainingData Take(TrainingData data, int[] rows)
    {
        int f = data.FeatureCount, t = data.TargetWidth;
        var sparse = data.SparseFeatures?.Take(rows);
        var features = sparse != null ? [] : new float[rows.Length * f];
        var targets = new float[rows.Length * t];
        var weights = data.Weights != null ? new float[rows.Length] : null;
        for (int i = 0; i < rows.Length; i++)
        {
            if (sparse is null) data.Features.AsSpan(rows[i] * f, f).CopyTo(features.AsSpan(i * f));
            data.Targets.AsSpan(rows[i] * t, t).CopyTo(targets.AsSpan(i * t));
            if (weights != null) weights[i] = data.Weights![rows[i]];
        }
        return sparse != null ? new TrainingData(sparse, targets, t, weights) : new TrainingData(features, f, targets, t, weights) { InputOffset = data.InputOffset };
    }
}
