using MLNet.Mlp.Tasks;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Fitting;

/// <summary>Continuing training from a previous model: the checks that it fits the options and data, and the state to continue from.</summary>
internal static class WarmStart
{
    /// <summary>Refuses a model of another task, feature count, output count or architecture than the options and data give.</summary>
    public static void RequireCompatible(MlpModelParameters previous, MlpTaskHead head, MlpOptionsBase options, int features, int outputs)
    {
        if (previous.Task != head.Task)
            throw new ArgumentException($"Cannot continue a {previous.Task} model with a {head.Task} trainer.", "previousModel");
        if (previous.FeatureCount != features)
            throw new ArgumentException($"The previous model expects {previous.FeatureCount} features but the data has {features}.", "previousModel");
        if (previous.OutputCount != outputs)
            throw new ArgumentException($"The previous model has {previous.OutputCount} outputs but the data needs {outputs}.", "previousModel");
        // Describe() names every layer with its activation and rate, so a changed activation or dropout is refused too.
        var expected = NetworkBuilder.Build(options, head, features, outputs);
        if (!expected.HasSameShape(previous.Network) || expected.Describe() != previous.Architecture)
            throw new ArgumentException($"The previous model's architecture ({previous.Architecture}) differs from the options' ({expected.Describe()}).", "previousModel");
    }

    /// <summary>
    /// A copy of the previous model's training state (the previous transformer stays immutable), with the feature
    /// standardization it trained with, so that training continues exactly. A model without one (not kept) continues
    /// from its weights, with fresh optimizer state and its history; on standardized features when
    /// <paramref name="standardizeOn"/> is given: its statistics, with the raw-feature weights unfolded into them.
    /// </summary>
    /// <param name="previous">The model to continue.</param>
    /// <param name="standardizeOn">The training rows to standardize a model without training state by, or null.</param>
    /// <param name="options">The trainer's options.</param>
    public static (TrainingState State, FeatureStandardization? Features) ContinueFrom(MlpModelParameters previous, TrainingData? standardizeOn, MlpOptionsBase options)
    {
        // The training state's network is the model's, or the one on standardized features it was folded from: copying
        // the state copies what training continues.
        if (previous.TrainingState is { } kept) return (kept.Clone(), previous.FeatureStandardization);
        var state = new TrainingState(previous.Network.Clone()) { EpochsCompleted = previous.History.Count };
        state.History.AddRange(previous.History);
        var features = standardizeOn == null ? null
            : standardizeOn.SparseFeatures != null ? FeatureStandardization.FitSparse(standardizeOn, MlpDefaults.TrainsSparseRowsAsATable(options, standardizeOn.FeatureCount))
            : FeatureStandardization.Fit(standardizeOn);
        features?.UnfoldInPlace(state.Network);
        return (state, features);
    }
}
