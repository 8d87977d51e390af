using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.Data;
using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Numerics.Elementwise;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Schedules;
using MLNet.Mlp.Tasks;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Persistence;

/// <summary>
/// The checkpoint format of <see cref="MlpModelParameters"/>: a full-fidelity snapshot (weights, state, optimizer
/// state, counters, history) from which training resumes exactly. Little-endian, field by field:
/// <code>
/// magic    8 bytes  "MLNETMLP"
/// version  int32    2 (version 1, which ends after the training state, is read too)
/// length   int64    payload bytes
/// payload:
///   task byte
///   inputSize int32; layerCount int32; per layer: kind byte (1 dense, 2 batch norm, 3 dropout, 4 activation) then
///     dense: units int32, activation, initializer name string; batch norm: momentum float, epsilon float;
///     dropout: rate float; activation: activation          (activation = name string, parameter float)
///   parameters float[]; state float[]                      (float[] = int32 count, then the values)
///   classValues: present bool, item kind byte, count int32, values
///   labelMean float[] or absent; labelScale float[] or absent  (absent = count −1)
///   history: count int32, records (epoch int32, trainLoss double, trainMetric/validationLoss/validationMetric
///     nullable double (bool + double), learningRate float, seconds double, steps int32)
///   trainingState: present bool, optimizerName string (or "" when none), step int64, epochsCompleted int32,
///     scheduleState double[] or absent, optimizer buffers: count int32 (−1 absent), parameterCount int32, float[] each
///   version 2 only: stopReason byte; standardized bool, and when true featureMean float[]; featureScale float[];
///     trainingParameters float[] (the training state's network on standardized features; the parameters above are
///     folded from it and take raw features)
/// sha256   32 bytes of the payload
/// </code>
/// The writer builds the whole image in memory before anything reaches the destination; the reader checks the
/// magic, version, length and checksum before parsing, and every count against what remains.
/// </summary>
internal static class MlpCheckpointFormat
{
    private static readonly byte[] Magic = "MLNETMLP"u8.ToArray();
    public const int Version = 2;

    /// <summary>The oldest version read: version 1 has neither the stop reason (read as not recorded) nor a feature
    /// standardization.</summary>
    private const int OldestVersion = 1;

    public static byte[] Serialize(MlpModelParameters model)
    {
        using var payloadStream = new MemoryStream();
        using (var w = new BinaryWriter(payloadStream, Encoding.UTF8, leaveOpen: true))
            WritePayload(w, model);
        var payload = payloadStream.ToArray();
        using var image = new MemoryStream(payload.Length + 64);
        using (var w = new BinaryWriter(image, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(Version);
            w.Write((long)payload.Length);
            w.Write(payload);
            w.Write(SHA256.HashData(payload));
        }
        return image.ToArray();
    }

    public static MlpModelParameters Deserialize(ReadOnlySpan<byte> image, Func<string, float, IActivation?>? resolveActivation)
    {
        if (image.Length < Magic.Length + 12 + 32 || !image[..Magic.Length].SequenceEqual(Magic))
            throw new MlpCheckpointException("Not an MLNet.Mlp checkpoint: the file does not start with the \"MLNETMLP\" signature.");
        int version = BitConverter.ToInt32(image[8..12]);
        if (version is < OldestVersion or > Version)
            throw new MlpCheckpointException($"Unsupported checkpoint version {version}; this library reads versions {OldestVersion} to {Version}.");
        long length = BitConverter.ToInt64(image[12..20]);
        if (length < 0 || length != image.Length - 20 - 32)
            throw new MlpCheckpointException($"The checkpoint is truncated or has trailing bytes: its header announces {length} payload bytes but {image.Length - 52} are present.");
        var payload = image.Slice(20, (int)length);
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(image[(20 + (int)length)..]))
            throw new MlpCheckpointException("The checkpoint is corrupted: its SHA-256 checksum does not match its contents.");
        try
        {
            using var r = new BinaryReader(new MemoryStream(payload.ToArray()), Encoding.UTF8);
            var model = ReadPayload(r, resolveActivation, version);
            if (r.BaseStream.Position != r.BaseStream.Length)
                throw new MlpCheckpointException("The checkpoint has unread bytes after its last field.");
            return model;
        }
        catch (Exception e) when (e is not MlpCheckpointException and not OutOfMemoryException)
        {
            // The checksum matched, so these bytes were written as a checkpoint, yet a field is impossible (a crafted file,
            // or one written by a bug): whatever the parser tripped over, the caller gets the one documented type.
            throw new MlpCheckpointException($"The checkpoint's contents are inconsistent: {e.Message}", e);
        }
    }

    /// <summary>
    /// Every weight takes 4 bytes of the file, so an architecture needing more weights than bytes remain is corrupt;
    /// checked before the network allocates its buffers, so that a crafted layer width cannot exhaust memory.
    /// </summary>
    private static void CheckArchitectureFits(int inputSize, List<Layer> layers, long remainingBytes)
    {
        if (inputSize <= 0) throw new MlpCheckpointException($"The checkpoint declares {inputSize} input features.");
        long width = inputSize, weights = 0;
        foreach (var layer in layers)
        {
            if (layer is not DenseLayer dense) continue;
            if (dense.Units > remainingBytes / 4 || width > remainingBytes / 4 / dense.Units)
                throw new MlpCheckpointException($"The checkpoint declares a dense layer of {dense.Units} units on {width} inputs, more weights than its {remainingBytes} remaining bytes hold.");
            weights += width * dense.Units;
            if (weights > remainingBytes / 4)
                throw new MlpCheckpointException($"The checkpoint's architecture needs {weights} weights, more than its {remainingBytes} remaining bytes hold.");
            width = dense.Units;
        }
    }

    private static void WritePayload(BinaryWriter w, MlpModelParameters model)
    {
        var network = model.Network;
        w.Write((byte)model.Task);
        w.Write(network.InputSize);
        w.Write(network.Layers.Count);
        foreach (var layer in network.Layers)
        {
            switch (layer)
            {
                case DenseLayer d: w.Write((byte)1); w.Write(d.Units); WriteActivation(w, d.Activation); w.Write(d.Initializer.Name); break;
                case BatchNormLayer b: w.Write((byte)2); w.Write(b.Momentum); w.Write(b.Epsilon); break;
                case DropoutLayer o: w.Write((byte)3); w.Write(o.Rate); break;
                case ActivationLayer a: w.Write((byte)4); WriteActivation(w, a.Activation); break;
                default: throw new NotSupportedException($"Layer {layer} cannot be saved.");
            }
        }
        WriteFloats(w, network.ParameterArray);
        WriteFloats(w, network.StateArray);
        WriteClassValues(w, model.ClassValues);
        WriteFloats(w, model.LabelMean);
        WriteFloats(w, model.LabelScale);
        w.Write(model.History.Count);
        foreach (var e in model.History)
        {
            w.Write(e.Epoch); w.Write(e.TrainingLoss);
            WriteNullable(w, e.TrainingMetric); WriteNullable(w, e.ValidationLoss); WriteNullable(w, e.ValidationMetric);
            w.Write(e.LearningRate); w.Write(e.Seconds); w.Write(e.Steps);
        }
        var s = model.TrainingState;
        WriteTrainingState(w, s);
        w.Write((byte)model.StopReason);
        // A standardization belongs to a training state (the model's constructor checks it).
        w.Write(model.FeatureStandardization != null);
        if (model.FeatureStandardization is not { } features || s == null) return;
        WriteFloats(w, features.Mean);
        WriteFloats(w, features.Scale);
        WriteFloats(w, s.Network.ParameterArray);
    }

    private static void WriteTrainingState(BinaryWriter w, TrainingState? s)
    {
        w.Write(s != null);
        if (s == null) return;
        w.Write(s.OptimizerName ?? "");
        w.Write(s.Step);
        w.Write(s.EpochsCompleted);
        WriteDoubles(w, s.Plateau?.ToArray());
        if (s.OptimizerState is not { } o2)
        {
            w.Write(-1);
            return;
        }
        w.Write(o2.BufferCount);
        w.Write(o2.ParameterCount);
        for (int i = 0; i < o2.BufferCount; i++) WriteFloats(w, o2.Buffer(i).ToArray());
    }

    private static MlpModelParameters ReadPayload(BinaryReader r, Func<string, float, IActivation?>? resolve, int version)
    {
        byte task = r.ReadByte();
        if (!Enum.IsDefined((MlpTask)task)) throw new MlpCheckpointException($"Unknown task code {task}.");
        int inputSize = r.ReadInt32();
        int layerCount = Count(r, 10_000);
        var layers = new List<Layer>(layerCount);
        for (int i = 0; i < layerCount; i++)
        {
            byte kind = r.ReadByte();
            layers.Add(kind switch
            {
                1 => new DenseLayer(r.ReadInt32(), ReadActivation(r, resolve), InitializerByName(r.ReadString())),
                2 => new BatchNormLayer(r.ReadSingle(), r.ReadSingle()),
                3 => new DropoutLayer(r.ReadSingle()),
                4 => new ActivationLayer(ReadActivation(r, resolve)),
                _ => throw new MlpCheckpointException($"Unknown layer kind {kind} at layer {i}."),
            });
        }
        CheckArchitectureFits(inputSize, layers, r.BaseStream.Length - r.BaseStream.Position);
        var network = new Network(inputSize, layers);
        var parameters = ReadFloats(r) ?? throw new MlpCheckpointException("The parameter block is missing.");
        var state = ReadFloats(r) ?? throw new MlpCheckpointException("The state block is missing.");
        // A checksum-valid file with non-finite weights would load as a model that answers NaN: refuse it.
        int badParameter = Numerics.Elementwise.FiniteCheck.IndexOfNonFinite(parameters);
        if (badParameter >= 0) throw new MlpCheckpointException($"The checkpoint's parameter {badParameter} is {parameters[badParameter]}; a usable model has finite weights.");
        int badState = Numerics.Elementwise.FiniteCheck.IndexOfNonFinite(state);
        if (badState >= 0) throw new MlpCheckpointException($"The checkpoint's state value {badState} (batch-norm statistics) is {state[badState]}; a usable model has finite statistics.");
        if (parameters.Length != network.ParameterCount || state.Length != network.State.Length)
            throw new MlpCheckpointException($"The checkpoint holds {parameters.Length} parameters and {state.Length} state values; its architecture ({network.Describe()}) needs {network.ParameterCount} and {network.State.Length}.");
        network.SetParameters(parameters, state);
        var classValues = ReadClassValues(r);
        var mean = ReadFloats(r);
        var scale = ReadFloats(r);
        int historyCount = Count(r, 10_000_000);
        var history = new List<EpochRecord>(historyCount);
        for (int i = 0; i < historyCount; i++)
            history.Add(new EpochRecord(r.ReadInt32(), r.ReadDouble(), ReadNullable(r), ReadNullable(r), ReadNullable(r), r.ReadSingle(), r.ReadDouble(), r.ReadInt32()));
        TrainingState? trainingState = null;
        if (r.ReadBoolean())
        {
            trainingState = new TrainingState(network);
            string name = r.ReadString();
            trainingState.OptimizerName = name.Length == 0 ? null : name;
            trainingState.Step = r.ReadInt64();
            trainingState.EpochsCompleted = r.ReadInt32();
            trainingState.Plateau = ReadDoubles(r) is { } plateau ? PlateauState.FromArray(plateau) : null;
            int buffers = r.ReadInt32();
            if (buffers >= 0)
            {
                if (buffers > 64) throw new MlpCheckpointException($"Implausible optimizer buffer count {buffers}.");
                int count = r.ReadInt32();
                if (count != network.ParameterCount) throw new MlpCheckpointException($"Optimizer state covers {count} parameters; the network has {network.ParameterCount}.");
                var optimizerState = new OptimizerState(buffers, count);
                for (int i = 0; i < buffers; i++)
                {
                    var values = ReadFloats(r);
                    if (values == null || values.Length != count) throw new MlpCheckpointException($"Optimizer buffer {i} has the wrong length.");
                    values.CopyTo(optimizerState.Buffer(i));
                }
                trainingState.OptimizerState = optimizerState;
            }
            trainingState.History.AddRange(history);
        }
        Fitting.FeatureStandardization? features = null;
        var stopReason = StopReason.NotRecorded;
        if (version >= 2)
        {
            byte code = r.ReadByte();
            if (!Enum.IsDefined((StopReason)code)) throw new MlpCheckpointException($"Unknown stop reason code {code}.");
            stopReason = (StopReason)code;
        }
        if (version >= 2 && r.ReadBoolean())
        {
            if (trainingState == null) throw new MlpCheckpointException("The checkpoint has a feature standardization but no training state.");
            var featureMean = ReadFloats(r);
            var featureScale = ReadFloats(r);
            var trainingParameters = ReadFloats(r);
            if (featureMean == null || featureScale == null || featureMean.Length != inputSize || featureScale.Length != inputSize)
                throw new MlpCheckpointException($"The checkpoint's feature standardization does not cover its {inputSize} features.");
            if (FiniteCheck.IndexOfNonFinite(featureMean) >= 0 || featureScale.Any(v => !(v > 0f) || !float.IsFinite(v)))
                throw new MlpCheckpointException("The checkpoint's feature standardization holds a non-finite mean or a scale that is not positive and finite.");
            if (trainingParameters == null || trainingParameters.Length != network.ParameterCount || FiniteCheck.IndexOfNonFinite(trainingParameters) >= 0)
                throw new MlpCheckpointException($"The checkpoint's training parameters are missing, not {network.ParameterCount} values, or not finite.");
            // The model keeps the folded parameters read above (raw features); training continues from the network on
            // standardized features, whose parameters come last.
            var folded = network.Clone();
            network.SetParameters(trainingParameters, state);
            features = new Fitting.FeatureStandardization(featureMean, featureScale);
            return new MlpModelParameters(MlpTaskHead.For((MlpTask)task), folded, classValues, mean, scale, trainingState, history, stopReason, features);
        }
        return new MlpModelParameters(MlpTaskHead.For((MlpTask)task), network, classValues, mean, scale, trainingState, history, stopReason, features);
    }

    private static void WriteActivation(BinaryWriter w, IActivation activation)
    {
        w.Write(activation.Name);
        w.Write(activation switch { LeakyReluActivation l => l.Slope, EluActivation e => e.Alpha, _ => 0f });
    }

    private static IActivation ReadActivation(BinaryReader r, Func<string, float, IActivation?>? resolve)
    {
        string name = r.ReadString();
        float parameter = r.ReadSingle();
        IActivation? builtIn = name switch
        {
            "Identity" => Activation.Identity,
            "Sigmoid" => Activation.Sigmoid,
            "Tanh" => Activation.Tanh,
            "Relu" => Activation.Relu,
            "LeakyRelu" => new LeakyReluActivation(parameter),
            "Elu" => new EluActivation(parameter),
            "Gelu" => Activation.Gelu,
            "Silu" => Activation.Silu,
            "Softmax" => Activation.Softmax,
            _ => null,
        };
        return resolve?.Invoke(name, parameter) ?? builtIn
            ?? throw new MlpCheckpointException($"The checkpoint uses the activation '{name}', which is not built in; pass a resolver for custom activations to Load.");
    }

    private static Initializers.IWeightInitializer InitializerByName(string name) => name switch
    {
        "XavierUniform" => Initializers.WeightInitializers.XavierUniform,
        "XavierNormal" => Initializers.WeightInitializers.XavierNormal,
        "HeUniform" => Initializers.WeightInitializers.HeUniform,
        "HeNormal" => Initializers.WeightInitializers.HeNormal,
        // A custom initializer only matters before training; the weights are restored below.
        _ => Initializers.WeightInitializers.XavierUniform,
    };

    private static void WriteClassValues(BinaryWriter w, KeyValueSet? values)
    {
        w.Write(values != null);
        if (values == null) return;
        var text = values.Values as ReadOnlyMemory<char>[];
        byte kind = values.Values switch { ReadOnlyMemory<char>[] => 1, float[] => 2, double[] => 3, int[] => 4, uint[] => 5, long[] => 6, bool[] => 7, _ => 1 };
        w.Write(kind);
        w.Write(values.Count);
        var asText = kind == 1 ? values.AsText() : null;
        for (int i = 0; i < values.Count; i++)
        {
            switch (kind)
            {
                case 1: w.Write(asText![i].ToString()); break;
                case 2: w.Write((float)values.Values.GetValue(i)!); break;
                case 3: w.Write((double)values.Values.GetValue(i)!); break;
                case 4: w.Write((int)values.Values.GetValue(i)!); break;
                case 5: w.Write((uint)values.Values.GetValue(i)!); break;
                case 6: w.Write((long)values.Values.GetValue(i)!); break;
                case 7: w.Write((bool)values.Values.GetValue(i)!); break;
            }
        }
        _ = text;
    }

    private static KeyValueSet? ReadClassValues(BinaryReader r)
    {
        if (!r.ReadBoolean()) return null;
        byte kind = r.ReadByte();
        int n = Count(r, 100_000_000);
        return kind switch
        {
            1 => KeyValueSet.Create(TextDataViewType.Instance, Enumerable.Range(0, n).Select(_ => r.ReadString().AsMemory()).ToArray()),
            2 => KeyValueSet.Create(NumberDataViewType.Single, Enumerable.Range(0, n).Select(_ => r.ReadSingle()).ToArray()),
            3 => KeyValueSet.Create(NumberDataViewType.Double, Enumerable.Range(0, n).Select(_ => r.ReadDouble()).ToArray()),
            4 => KeyValueSet.Create(NumberDataViewType.Int32, Enumerable.Range(0, n).Select(_ => r.ReadInt32()).ToArray()),
            5 => KeyValueSet.Create(NumberDataViewType.UInt32, Enumerable.Range(0, n).Select(_ => r.ReadUInt32()).ToArray()),
            6 => KeyValueSet.Create(NumberDataViewType.Int64, Enumerable.Range(0, n).Select(_ => r.ReadInt64()).ToArray()),
            7 => KeyValueSet.Create(BooleanDataViewType.Instance, Enumerable.Range(0, n).Select(_ => r.ReadBoolean()).ToArray()),
            _ => throw new MlpCheckpointException($"Unknown class-value kind {kind}."),
        };
    }

    private static int Count(BinaryReader r, int max)
    {
        int n = r.ReadInt32();
        if (n < 0 || n > max || n > r.BaseStream.Length - r.BaseStream.Position + 1)
            throw new MlpCheckpointException($"Implausible count {n} at byte {r.BaseStream.Position - 4}.");
        return n;
    }

    private static void WriteFloats(BinaryWriter w, float[]? values)
    {
        if (values == null) { w.Write(-1); return; }
        w.Write(values.Length);
        foreach (var v in values) w.Write(v);
    }

    private static float[]? ReadFloats(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n == -1) return null;
        if (n < 0 || (long)n * 4 > r.BaseStream.Length - r.BaseStream.Position)
            throw new MlpCheckpointException($"Implausible array length {n} at byte {r.BaseStream.Position - 4}.");
        var values = new float[n];
        for (int i = 0; i < n; i++) values[i] = r.ReadSingle();
        return values;
    }

    private static void WriteDoubles(BinaryWriter w, double[]? values)
    {
        if (values == null) { w.Write(-1); return; }
        w.Write(values.Length);
        foreach (var v in values) w.Write(v);
    }

    private static double[]? ReadDoubles(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n == -1) return null;
        if (n < 0 || (long)n * 8 > r.BaseStream.Length - r.BaseStream.Position)
            throw new MlpCheckpointException($"Implausible array length {n} at byte {r.BaseStream.Position - 4}.");
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = r.ReadDouble();
        return values;
    }

    private static void WriteNullable(BinaryWriter w, double? value)
    {
        w.Write(value.HasValue);
        w.Write(value ?? 0);
    }

    private static double? ReadNullable(BinaryReader r)
    {
        bool has = r.ReadBoolean();
        double v = r.ReadDouble();
        return has ? v : null;
    }
}
