using MLNet.Mlp.Layers;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Trainers;

/// <summary>
/// A trained multilayer perceptron as ML.NET users inspect it: the task, the layer shapes with read-only views of
/// weights and biases, the activation of each layer, and the per-epoch training history for learning curves.
/// </summary>
public sealed class MlpModelParameters
{
    private readonly Network _network;

    internal MlpModelParameters(MlpTask task, Network network, KeyValueSet? classValues, float[]? labelMean, float[]? labelScale,
        TrainingState? trainingState, IReadOnlyList<EpochRecord> history)
    {
        Task = task;
        _network = network;
        ClassValues = classValues;
        LabelMean = labelMean;
        LabelScale = labelScale;
        TrainingState = trainingState;
        History = history.ToArray();
    }

    /// <summary>The task the model was trained for.</summary>
    public MlpTask Task { get; }

    /// <summary>Features the model expects.</summary>
    public int FeatureCount => _network.InputSize;

    /// <summary>Outputs: classes for multiclass, 1 for binary, label width for regression.</summary>
    public int OutputCount => _network.OutputSize;

    /// <summary>The layers, input to output: <see cref="DenseLayer"/> exposes <c>Weights</c> ([units × inputs]),
    /// <c>Bias</c> and <c>Activation</c>; <see cref="BatchNormLayer"/> its scale, shift and running statistics. Read-only views.</summary>
    public IReadOnlyList<Layer> Layers => _network.Layers;

    /// <summary>Every trained epoch in order (including those of earlier runs this model was warm-started from).</summary>
    public IReadOnlyList<EpochRecord> History { get; }

    /// <summary>A one-line description of the architecture, e.g. "784 → Dense(128, Relu) → Dense(10, Softmax)".</summary>
    public string Architecture => _network.Describe();

    /// <summary>A deep copy of the engine network, for use outside ML.NET (e.g. <see cref="Network.Predict"/>).</summary>
    public Network CopyNetwork() => _network.Clone();

    internal Network Network => _network;

    internal KeyValueSet? ClassValues { get; }

    /// <summary>Regression label standardization: prediction = output·scale + mean (null when not standardized).</summary>
    internal float[]? LabelMean { get; }

    internal float[]? LabelScale { get; }

    /// <summary>Optimizer state, counters and schedule state for exact continuation; null when not kept.</summary>
    internal TrainingState? TrainingState { get; }

    /// <summary>True for regression on a vector label (Score is then a vector even with one output).</summary>
    internal bool VectorLabel { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"MLP {Task}: {Architecture}";
}
