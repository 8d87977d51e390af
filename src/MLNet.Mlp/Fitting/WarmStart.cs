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
    /// A copy of the previous model's training state (the previous transformer stays immutable). A model without one
    /// (not kept) continues from its weights, with fresh optimizer state and its history.
    /// </summary>
    public static TrainingState ContinueFrom(MlpModelParameters previous)
    {
        // A model's network is its training state's network, so copying the state copies the model.
        if (previous.TrainingState is { } kept) return kept.Clone();
        var state = new TrainingState(previous.Network.Clone()) { EpochsCompleted = previous.History.Count };
        state.History.AddRange(previous.History);
        return state;
    }
}
