using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Metrics;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Numerics;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Trainers;

/// <summary>
/// What the three MLP trainers share: reading the data once into contiguous memory, building the network from the
/// options, the validation split, logging, warm starts, and handing the loop to <see cref="NetworkTrainer"/>.
/// </summary>
/// <typeparam name="TOptions">The task's options.</typeparam>
/// <typeparam name="TTransformer">The task's prediction transformer.</typeparam>
public abstract class MlpTrainerBase<TOptions, TTransformer> : IEstimator<TTransformer>
    where TOptions : MlpOptionsBase
    where TTransformer : MlpPredictionTransformer
{
    private protected MlpTrainerBase(TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The options this trainer was created with.</summary>
    public TOptions Options { get; }

    private protected abstract MlpTask Task { get; }

    private protected abstract TTransformer CreateTransformer(MlpModelParameters model, DataViewSchema trainingSchema);

    private protected virtual float[]? ClassWeights => null;

    /// <summary>Trains on <paramref name="input"/> (and on a held-out part of it when <c>ValidationFraction</c> is set).</summary>
    /// <param name="input">Training data with the label, feature and optional weight columns.</param>
    public TTransformer Fit(IDataView input) => Fit(input, null, null);

    /// <summary>Trains on <paramref name="trainData"/>, reporting loss and metric on <paramref name="validationData"/> every
    /// epoch (and using it for early stopping and reduce-on-plateau).</summary>
    /// <param name="trainData">Training data.</param>
    /// <param name="validationData">Validation data with the same columns.</param>
    public TTransformer Fit(IDataView trainData, IDataView validationData) => Fit(trainData, validationData, null);

    /// <summary>Continues training from <paramref name="previousModel"/> (warm start). When the model carries its optimizer
    /// state (a model from <c>Fit</c> or a checkpoint) and the optimizer is the same, training continues exactly as if it
    /// had never stopped.</summary>
    /// <param name="trainData">Training data.</param>
    /// <param name="previousModel">A model of the same task, feature count and architecture.</param>
    public TTransformer Fit(IDataView trainData, MlpModelParameters previousModel) => Fit(trainData, null, previousModel);

    /// <summary>Trains with optional validation data and an optional model to continue from.</summary>
    /// <param name="trainData">Training data.</param>
    /// <param name="validationData">Validation data, or null.</param>
    /// <param name="previousModel">A model to continue from, or null.</param>
    public TTransformer Fit(IDataView trainData, IDataView? validationData, MlpModelParameters? previousModel)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        var o = Options;
        if (validationData != null && o.ValidationFraction != null)
            throw new ArgumentException($"Fit was given validation data and ValidationFraction is {o.ValidationFraction}; these are mutually exclusive "
                + "(set ValidationFraction to null to use the given validation data, or call Fit without it).", nameof(MlpOptionsBase.ValidationFraction));
        var channel = o.Context != null ? ((IHostEnvironment)o.Context).Register("Mlp").Start("Training") : null;
        try
        {
            var nonFinite = o.SkipRowsWithNonFiniteFeatures ? DataViewReader.NonFiniteFeatures.Skip : DataViewReader.NonFiniteFeatures.Throw;
            var train = DataViewReader.Read(trainData, Task, o.FeatureColumnName, o.LabelColumnName, o.ExampleWeightColumnName, ClassWeights, o.CancellationToken,
                new DataViewReader.Settings { NonFinite = nonFinite, AvailableBytes = o.AvailableMemoryBytes });
            ReportSkipped(channel, train, "training");
            CheckClasses(channel, train, trainData.Schema, previousModel != null);

            TrainingData? validation = null;
            var trainingData = train.Data;
            if (validationData != null)
            {
                var read = DataViewReader.Read(validationData, Task, o.FeatureColumnName, o.LabelColumnName, o.ExampleWeightColumnName, ClassWeights, o.CancellationToken,
                    new DataViewReader.Settings { NonFinite = nonFinite, AvailableBytes = o.AvailableMemoryBytes, Purpose = "validation" });
                ReportSkipped(channel, read, "validation");
                validation = read.Data;
            }
            else if (o.ValidationFraction is float fraction)
                (trainingData, validation) = Split(train.Data, fraction, o.Seed);
            if (validation != null && validation.FeatureCount != trainingData.FeatureCount)
                throw new ArgumentException($"Validation data has {validation.FeatureCount} features but training data has {trainingData.FeatureCount}.", nameof(validationData));
            if (validation != null && validation.TargetWidth != trainingData.TargetWidth)
                throw new ArgumentException($"Validation labels have {validation.TargetWidth} values per row but training labels have {trainingData.TargetWidth}.", nameof(validationData));

            var classValues = Task == MlpTask.MulticlassClassification ? KeyValueSet.FromColumn(trainData.Schema[o.LabelColumnName]) : null;
            int outputs = Task switch
            {
                MlpTask.MulticlassClassification => (int)((KeyDataViewType)trainData.Schema[o.LabelColumnName].Type).Count,
                MlpTask.BinaryClassification => 1,
                _ => trainingData.TargetWidth,
            };
            if (Task == MlpTask.MulticlassClassification)
            {
                const string advice = "Key both with the same fitted MapValueToKey (transform them with the same fitted pipeline).";
                if (validationData != null)
                    LabelEncoding.RequireSameClasses(outputs, classValues, validationData.Schema[o.LabelColumnName], "the validation data", advice, nameof(validationData));
                if (previousModel != null)
                    LabelEncoding.RequireSameClasses(previousModel.OutputCount, previousModel.ClassValues, trainData.Schema[o.LabelColumnName], "the training data", advice, nameof(previousModel));
            }

            float[]? labelMean = null, labelScale = null;
            TrainingState state;
            if (previousModel != null)
            {
                CheckCompatible(previousModel, trainingData.FeatureCount, outputs);
                labelMean = previousModel.LabelMean;
                labelScale = previousModel.LabelScale;
                state = ContinueFrom(previousModel);
            }
            else
            {
                (labelMean, labelScale) = LabelStandardization(trainingData);
                var network = BuildNetwork(trainingData.FeatureCount, outputs);
                network.Initialize(o.Seed);
                state = new TrainingState(network);
            }
            if (labelMean != null)
            {
                trainingData = Standardize(trainingData, labelMean, labelScale!);
                if (validation != null) validation = Standardize(validation, labelMean, labelScale!);
            }

            // The state after the last completed epoch (or the warm-start model), kept for a divergence: the engine only
            // promises finite weights, which may be mid-epoch.
            var lastGood = state.EpochsCompleted > 0 ? Snapshot(state) : null;
            TrainingResult result;
            try
            {
                result = NetworkTrainer.Fit(state, trainingData, validation, TrainingOptions(channel, _ => lastGood = Snapshot(state)));
            }
            catch (TrainingDivergedException e)
            {
                var lastGoodModel = lastGood != null ? new MlpModelParameters(Task, lastGood.Network, classValues, labelMean, labelScale, lastGood, lastGood.History) : null;
                var wrapped = new MlpTrainingDivergedException(e, lastGoodModel, lastGood?.EpochsCompleted ?? 0);
                Report(channel, LogLevel.Error, wrapped.Message);
                o.Logger?.LogError(wrapped, "Training diverged at epoch {Epoch}, step {Step} (learning rate {LearningRate}); last good epoch {LastGoodEpoch}.",
                    e.Epoch, e.Step, e.LearningRate, wrapped.LastGoodEpoch);
                throw wrapped;
            }
            if (result.StopReason != StopReason.Completed)
                Report(channel, LogLevel.Information, result.StopReason == StopReason.EarlyStopped
                    ? $"Early stopping after epoch {state.EpochsCompleted}; best epoch {result.BestEpoch}{(result.RestoredBestWeights ? " (weights restored)" : "")}."
                    : $"Training cancelled after {state.EpochsCompleted} epochs; the model holds the weights of the last step.");

            var model = new MlpModelParameters(Task, state.Network, classValues, labelMean, labelScale, state, state.History);
            WarnIfNotSaveable(channel, model);
            return CreateTransformer(model, trainData.Schema);
        }
        finally
        {
            channel?.Dispose();
        }
    }

    private static TrainingState Snapshot(TrainingState state)
    {
        var copy = new TrainingState(state.Network.Clone())
        {
            OptimizerState = state.OptimizerState?.Clone(),
            OptimizerName = state.OptimizerName,
            Step = state.Step,
            EpochsCompleted = state.EpochsCompleted,
            ScheduleState = (double[]?)state.ScheduleState?.Clone(),
        };
        copy.History.AddRange(state.History);
        return copy;
    }

    private void ReportSkipped(IChannel? channel, DataViewReader.Result read, string purpose)
    {
        var o = Options;
        var parts = new List<string>();
        if (read.SkippedMissingLabel > 0) parts.Add($"skipped {read.SkippedMissingLabel} rows with a missing label");
        if (read.SkippedNonFinite > 0) parts.Add($"skipped {read.SkippedNonFinite} rows with a NaN or infinite feature");
        Report(channel, LogLevel.Information, $"Read {read.Data.Rows} {purpose} rows of {read.Data.FeatureCount} features"
            + (parts.Count > 0 ? "; " + string.Join("; ", parts) + "." : "."));
        // The training read keeps its original message template (tests and log queries rely on it).
        if (read.SkippedMissingLabel > 0)
        {
            if (purpose == "training")
                o.Logger?.LogWarning("Skipped {SkippedRows} training rows with a missing label in column {LabelColumn}.", read.SkippedMissingLabel, o.LabelColumnName);
            else
                o.Logger?.LogWarning("Skipped {SkippedRows} {Purpose} rows with a missing label in column {LabelColumn}.", read.SkippedMissingLabel, purpose, o.LabelColumnName);
        }
        if (read.SkippedNonFinite > 0)
            o.Logger?.LogWarning("Skipped {SkippedRows} {Purpose} rows with a NaN or infinite value in feature column {FeatureColumn}.", read.SkippedNonFinite, purpose, o.FeatureColumnName);
    }

    /// <summary>
    /// A classifier trained on one class learns a constant: almost always a data mistake (a filter, a join, a
    /// mislabelled file), so a fresh training run fails. A warm start may legitimately fine-tune on a batch of one class,
    /// so it only warns. Classes of the key type absent from the data are reported, not rejected (common in small folds).
    /// </summary>
    private void CheckClasses(IChannel? channel, DataViewReader.Result read, DataViewSchema schema, bool warmStart)
    {
        if (read.DistinctClasses is not { } present) return;
        var o = Options;
        string label = o.LabelColumnName;
        if (present.Length < 2)
        {
            string which = Task == MlpTask.BinaryClassification
                ? (present[0] == 1 ? "true" : "false")
                : ClassName(schema[label], present[0]);
            string message = Task == MlpTask.BinaryClassification
                ? $"Every one of the {read.Data.Rows} training rows has label {which} in column '{label}'; a binary classifier needs both classes."
                : $"Every one of the {read.Data.Rows} training rows has the class {which} in label column '{label}'; a multiclass classifier needs at least two distinct classes.";
            if (!warmStart)
                throw new InvalidOperationException(message + " Check how the training data was selected (filters, joins, splits).");
            Report(channel, LogLevel.Warning, message);
            o.Logger?.LogWarning("All {Rows} training rows have one class ({Class}) in label column {LabelColumn}; continuing from the previous model.", read.Data.Rows, which, label);
            return;
        }
        if (Task == MlpTask.MulticlassClassification && schema[label].Type is KeyDataViewType key && present.Length < (int)key.Count)
        {
            var missing = Enumerable.Range(0, (int)key.Count).Except(present).Select(k => ClassName(schema[label], k)).ToArray();
            Report(channel, LogLevel.Warning, $"{missing.Length} of {key.Count} classes never occur in the training data: {string.Join(", ", missing.Take(10))}{(missing.Length > 10 ? ", …" : "")}.");
            o.Logger?.LogWarning("{Missing} of {Classes} classes of label column {LabelColumn} never occur in the training data.", missing.Length, key.Count, label);
        }
    }

    private static string ClassName(DataViewSchema.Column label, int index)
    {
        var values = KeyValueSet.FromColumn(label);
        string key = $"key {index + 1}";
        return values != null && index < values.Count ? $"'{values.AsText()[index]}' ({key})" : key;
    }

    /// <summary>
    /// ML.NET's <c>Model.Save(model, schema, path)</c> truncates the destination before it asks any transformer to save
    /// itself, so an unsaveable model (a custom activation has no ONNX form) is best reported when it is trained.
    /// </summary>
    private void WarnIfNotSaveable(IChannel? channel, MlpModelParameters model)
    {
        if (model.OnnxExportBlocker is not { } reason) return;
        Report(channel, LogLevel.Warning, reason);
        Options.Logger?.LogWarning("This model cannot be saved with mlContext.Model.Save or exported to ONNX: {Reason}", reason);
    }

    /// <summary>The schema the trained transformer will produce; checks the label, feature and weight columns.</summary>
    /// <param name="inputSchema">The shape of the training data.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => MlpOutputSchema.For(Task, inputSchema, Options);

    private TrainingOptions TrainingOptions(IChannel? channel, Action<EpochRecord> afterEpoch)
    {
        var o = Options;
        var transforms = new List<IGradientTransform>();
        if (o.GradientClipValue is float clip) transforms.Add(new ClipByValue(clip));
        if (o.GradientClipNorm is float norm) transforms.Add(new ClipByGlobalNorm(norm));
        if (o.L2Regularization > 0f) transforms.Add(new L2Regularization(o.L2Regularization));
        IOptimizer optimizer = o.WeightDecay > 0f ? new DecoupledWeightDecay(o.Optimizer, o.WeightDecay) : o.Optimizer;
        int total = o.NumberOfEpochs;
        return new TrainingOptions
        {
            Loss = Task switch
            {
                MlpTask.MulticlassClassification => new CategoricalCrossEntropyLoss(),
                MlpTask.BinaryClassification => new BinaryCrossEntropyLoss(),
                _ => new MeanSquaredErrorLoss(),
            },
            Optimizer = optimizer,
            LearningRate = o.LearningRate,
            Schedule = o.Schedule,
            ScheduleUnit = o.ScheduleUnit,
            ScheduleMonitor = o.ScheduleMonitor,
            GradientTransforms = transforms,
            Epochs = o.NumberOfEpochs,
            BatchSize = o.BatchSize,
            Seed = o.Seed,
            MaxThreads = o.MaxThreads,
            Metric = Task == MlpTask.Regression ? new RSquaredMetric() : new AccuracyMetric(),
            EarlyStopping = o.EarlyStopping,
            CancellationToken = o.CancellationToken,
            EpochCompleted = record =>
            {
                afterEpoch(record);
                LogEpoch(channel, record);
                o.EpochCompleted?.Invoke(record);
            },
        };
    }

    private void LogEpoch(IChannel? channel, EpochRecord r)
    {
        var logger = Options.Logger;
        string metric = Task == MlpTask.Regression ? "R²" : "accuracy";
        logger?.LogInformation(
            "Epoch {Epoch}: train loss {TrainLoss:F5}, train {MetricName} {TrainMetric:F4}, validation loss {ValidationLoss}, validation {MetricName2} {ValidationMetric}, learning rate {LearningRate:G4}, {Seconds:F2} s",
            r.Epoch, r.TrainingLoss, metric, r.TrainingMetric, r.ValidationLoss, metric, r.ValidationMetric, r.LearningRate, r.Seconds);
        if (channel != null)
        {
            var c = CultureInfo.InvariantCulture;
            string validationPart = r.ValidationLoss is double vl ? string.Format(c, ", validation loss {0:F5}, validation {1} {2:F4}", vl, metric, r.ValidationMetric) : "";
            channel.Info(MessageSensitivity.None, string.Format(c, "Epoch {0}: train loss {1:F5}, train {2} {3:F4}{4}, learning rate {5:G4}, {6:F2} s",
                r.Epoch, r.TrainingLoss, metric, r.TrainingMetric, validationPart, r.LearningRate, r.Seconds));
        }
    }

    private static void Report(IChannel? channel, LogLevel level, string message)
    {
        if (channel == null) return;
        if (level >= LogLevel.Error) channel.Error(MessageSensitivity.None, message);
        else if (level == LogLevel.Warning) channel.Warning(MessageSensitivity.None, message);
        else channel.Info(MessageSensitivity.None, message);
    }

    private Network BuildNetwork(int features, int outputs)
    {
        var o = Options;
        var layers = new List<Layer>();
        foreach (int width in o.HiddenLayers)
        {
            if (o.BatchNormalization)
            {
                layers.Add(new DenseLayer(width, Activation.Identity, o.Initializer ?? o.Activation.DefaultInitializer));
                layers.Add(new BatchNormLayer());
                layers.Add(new ActivationLayer(o.Activation));
            }
            else
            {
                layers.Add(new DenseLayer(width, o.Activation, o.Initializer));
            }
            if (o.DropoutRate > 0f) layers.Add(new DropoutLayer(o.DropoutRate));
        }
        var head = Task switch
        {
            MlpTask.MulticlassClassification => Activation.Softmax,
            MlpTask.BinaryClassification => Activation.Sigmoid,
            _ => Activation.Identity,
        };
        layers.Add(new DenseLayer(outputs, head, o.Initializer));
        return new Network(features, layers);
    }

    private TrainingState ContinueFrom(MlpModelParameters previous)
    {
        // A copy: the previous transformer stays immutable.
        var state = new TrainingState(previous.Network.Clone());
        if (previous.TrainingState is { } s)
        {
            state.OptimizerState = s.OptimizerState?.Clone();
            state.OptimizerName = s.OptimizerName;
            state.Step = s.Step;
            state.EpochsCompleted = s.EpochsCompleted;
            state.ScheduleState = (double[]?)s.ScheduleState?.Clone();
            state.History.AddRange(s.History);
        }
        else
        {
            state.EpochsCompleted = previous.History.Count;
            state.History.AddRange(previous.History);
        }
        return state;
    }

    private void CheckCompatible(MlpModelParameters previous, int features, int outputs)
    {
        if (previous.Task != Task)
            throw new ArgumentException($"Cannot continue a {previous.Task} model with a {Task} trainer.", "previousModel");
        if (previous.FeatureCount != features)
            throw new ArgumentException($"The previous model expects {previous.FeatureCount} features but the data has {features}.", "previousModel");
        if (previous.OutputCount != outputs)
            throw new ArgumentException($"The previous model has {previous.OutputCount} outputs but the data needs {outputs}.", "previousModel");
        // Describe() names every layer with its activation and rate, so a changed activation or dropout is refused too.
        var expected = BuildNetwork(features, outputs);
        if (!expected.HasSameShape(previous.Network) || expected.Describe() != previous.Architecture)
            throw new ArgumentException($"The previous model's architecture ({previous.Architecture}) differs from the options' ({expected.Describe()}).", "previousModel");
    }

    private (float[]?, float[]?) LabelStandardization(TrainingData data)
    {
        if (Options is not MlpRegressionOptions { StandardizeLabels: true }) return (null, null);
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
        return (mean, scale);
    }

    private static TrainingData Standardize(TrainingData data, float[] mean, float[] scale)
    {
        int w = data.TargetWidth;
        var targets = new float[data.Targets.Length];
        for (int i = 0; i < targets.Length; i++) targets[i] = (data.Targets[i] - mean[i % w]) / scale[i % w];
        return new TrainingData(data.Features, data.FeatureCount, targets, w, data.Weights);
    }

    private static (TrainingData Train, TrainingData Validation) Split(TrainingData data, float fraction, int seed)
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

    private static TrainingData Take(TrainingData data, int[] rows)
    {
        int f = data.FeatureCount, t = data.TargetWidth;
        var features = new float[rows.Length * f];
        var targets = new float[rows.Length * t];
        var weights = data.Weights != null ? new float[rows.Length] : null;
        for (int i = 0; i < rows.Length; i++)
        {
            data.Features.AsSpan(rows[i] * f, f).CopyTo(features.AsSpan(i * f));
            data.Targets.AsSpan(rows[i] * t, t).CopyTo(targets.AsSpan(i * t));
            if (weights != null) weights[i] = data.Weights![rows[i]];
        }
        return new TrainingData(features, f, targets, t, weights);
    }
}
