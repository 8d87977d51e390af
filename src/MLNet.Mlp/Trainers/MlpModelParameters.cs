using MLNet.Mlp.Layers;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Tasks;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Trainers;

/// <summary>
/// A trained multilayer perceptron as ML.NET users inspect it: the task, the layer shapes with read-only views of
/// weights and biases, the activation of each layer, and the per-epoch training history for learning curves.
/// </summary>
public sealed class MlpModelParameters
{
    private readonly Network _network;

    internal MlpModelParameters(MlpTaskHead head, Network network, KeyValueSet? classValues, float[]? labelMean, float[]? labelScale,
        TrainingState? trainingState, IReadOnlyList<EpochRecord> history, StopReason stopReason = StopReason.NotRecorded,
        Fitting.FeatureStandardization? featureStandardization = null)
    {
        // Standardized-space weights only mean something to continue training from.
        if (featureStandardization != null && trainingState == null)
            throw new ArgumentException("A feature standardization belongs to a training state.", nameof(featureStandardization));
        StopReason = stopReason;
        Head = head;
        _network = network;
        ZeroSkipping = ZeroSkippingInference.For(network);
        ClassValues = classValues;
        LabelMean = labelMean;
        LabelScale = labelScale;
        TrainingState = trainingState;
        FeatureStandardization = featureStandardization;
        History = history.ToArray();
        _onnxExportBlocker = new Lazy<string?>(() =>
        {
            try
            {
                Persistence.OnnxNetworkDescription.From(this, MlpDefaults.FeatureColumnName, withParameters: false);
                return null;
            }
            catch (NotSupportedException e)
            {
                return e.Message;
            }
        });
    }

    /// <summary>The task the model was trained for.</summary>
    public MlpTask Task => Head.Task;

    /// <summary>Everything task-specific about the model: its prediction columns, scoring and ONNX head.</summary>
    internal MlpTaskHead Head { get; }

    /// <summary>Features the model expects.</summary>
    public int FeatureCount => _network.InputSize;

    /// <summary>Outputs: classes for multiclass, 1 for binary, label width for regression.</summary>
    public int OutputCount => _network.OutputSize;

    /// <summary>The layers, input to output: <see cref="DenseLayer"/> exposes <c>Weights</c> ([units × inputs]),
    /// <c>Bias</c> and <c>Activation</c>; <see cref="BatchNormLayer"/> its scale, shift and running statistics. Read-only views.</summary>
    public IReadOnlyList<Layer> Layers => _network.Layers;

    /// <summary>Every trained epoch in order (including those of earlier runs this model was warm-started from).</summary>
    public IReadOnlyList<EpochRecord> History { get; }

    /// <summary>Why the training run that produced this model ended: <see cref="StopReason.Converged"/> or
    /// <see cref="StopReason.ReachedLimit"/> when training until converged (NumberOfEpochs null),
    /// <see cref="StopReason.Completed"/> after a fixed number of epochs, <see cref="StopReason.EarlyStopped"/>,
    /// <see cref="StopReason.Cancelled"/>; <see cref="StopReason.Diverged"/> on the last good model of a
    /// divergence; <see cref="StopReason.NotRecorded"/> for a model saved before the reason was recorded.</summary>
    public StopReason StopReason { get; }

    /// <summary>A one-line description of the architecture, e.g. "784 → Dense(128, Relu) → Dense(10, Softmax)".</summary>
    public string Architecture => _network.Describe();

    /// <summary>
    /// Whether the network has an ONNX form, which both <see cref="ExportToOnnx"/> and <c>mlContext.Model.Save</c> need.
    /// False when a layer uses a custom <see cref="Activations.IActivation"/>; such a model can still be used, and saved as a
    /// checkpoint with <see cref="Save(string)"/>. The trainers log a warning when they produce one.
    /// </summary>
    public bool CanExportToOnnx => OnnxExportBlocker is null;

    /// <summary>Why the model cannot be exported (null when it can); computed once.</summary>
    internal string? OnnxExportBlocker => _onnxExportBlocker.Value;

    private readonly Lazy<string?> _onnxExportBlocker;

    /// <summary>A deep copy of the engine network, for use outside ML.NET (e.g. <see cref="Network.Predict"/>).</summary>
    public Network CopyNetwork() => _network.Clone();

    internal Network Network => _network;

    /// <summary>Scores mostly-zero dense rows with the first layer reading their non-zeros only (same bits as the dense
    /// product); null when the network's first layer does not suit it. The model's network never changes, which it needs.</summary>
    internal ZeroSkippingInference? ZeroSkipping { get; }

    internal KeyValueSet? ClassValues { get; }

    /// <summary>Regression label standardization: prediction = output·scale + mean (null when not standardized).</summary>
    internal float[]? LabelMean { get; }

    internal float[]? LabelScale { get; }

    /// <summary>Optimizer state, counters and schedule state for exact continuation; null when not kept. Its network is
    /// this model's, or, with <see cref="FeatureStandardization"/>, the one on standardized features this model's was folded from.</summary>
    internal TrainingState? TrainingState { get; }

    /// <summary>The feature standardization <see cref="TrainingState"/>'s network trained with (folded into
    /// <see cref="Network"/>, which takes raw features); null when it trained on raw features.</summary>
    internal Fitting.FeatureStandardization? FeatureStandardization { get; }

    /// <summary>
    /// Writes a full-fidelity checkpoint (weights, batch-norm statistics, optimizer state, counters, history) that
    /// <see cref="Load(Stream, Func{string, float, Activations.IActivation?}?)"/> reads back; training continued from it
    /// equals uninterrupted training. The image is built in memory first, so a failure writes nothing.
    /// </summary>
    /// <param name="stream">The destination.</param>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Persistence.MlpCheckpointFormat.Serialize(this));
    }

    /// <summary>
    /// Writes a checkpoint file atomically: to a temporary file beside it, flushed to disk, then renamed over
    /// <paramref name="path"/>, so a crash never leaves a partial file and the previous checkpoint survives a failure.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var image = Persistence.MlpCheckpointFormat.Serialize(this);
        Persistence.AtomicFile.Write(path, stream => stream.Write(image));
    }

    /// <summary>Reads a checkpoint written by <see cref="Save(Stream)"/>.</summary>
    /// <param name="stream">The source; read to its end.</param>
    /// <param name="resolveActivation">Maps a custom activation's name and parameter to an instance; null for built-ins only.</param>
    /// <exception cref="Persistence.MlpCheckpointException">The data is truncated, corrupted, of another version or not a checkpoint.</exception>
    public static MlpModelParameters Load(Stream stream, Func<string, float, Activations.IActivation?>? resolveActivation = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Persistence.MlpCheckpointFormat.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), resolveActivation);
    }

    /// <summary>Reads a checkpoint file written by <see cref="Save(string)"/>.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="resolveActivation">Maps a custom activation's name and parameter to an instance; null for built-ins only.</param>
    /// <exception cref="Persistence.MlpCheckpointException">The file is truncated, corrupted, of another version or not a checkpoint.</exception>
    public static MlpModelParameters Load(string path, Func<string, float, Activations.IActivation?>? resolveActivation = null)
    {
        using var file = File.OpenRead(path);
        return Load(file, resolveActivation);
    }

    /// <summary>
    /// Writes the network as a stand-alone ONNX model (opset 13; input "Features" of shape [N, FeatureCount]; outputs
    /// "Score" and, for classification, "Probability"/"PredictedLabel"), for ONNX Runtime or any other ONNX consumer.
    /// Batch normalization and label standardization are folded into the dense layers; dropout is omitted.
    /// </summary>
    /// <param name="stream">The destination.</param>
    /// <exception cref="NotSupportedException">The network uses a custom activation, which has no ONNX form.</exception>
    public void ExportToOnnx(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        Persistence.MlpModelSaver.ExportToOnnx(this, buffer, MlpDefaults.FeatureColumnName);
        buffer.Position = 0;
        buffer.CopyTo(stream);
    }

    /// <inheritdoc/>
    public override string ToString() => $"MLP {Task}: {Architecture}";
}
