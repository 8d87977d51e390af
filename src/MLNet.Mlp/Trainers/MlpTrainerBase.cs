using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using MLNet.Mlp.Fitting;
using MLNet.Mlp.Tasks;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Trainers;

/// <summary>
/// What the three MLP trainers share: one <c>Fit</c> reads the data once into contiguous memory, holds out the
/// validation examples, builds the network from the options (or continues a previous model's), trains it with the
/// engine's <see cref="NetworkTrainer"/> and wraps the result in the task's prediction transformer.
/// </summary>
/// <remarks>
/// A trainer from a catalog method (<c>mlContext.BinaryClassification.Trainers.Mlp()</c> and the others) works in that
/// <see cref="MLContext"/> as ML.NET's own trainers do: its messages and warnings go to <c>mlContext.Log</c>, its seed
/// is used when <see cref="MlpOptionsBase.Seed"/> is null, and <c>CancelExecution</c> stops training at the next batch
/// (see <see cref="MlpOptionsBase.Context"/>).
/// </remarks>
/// <typeparam name="TOptions">The task's options.</typeparam>
/// <typeparam name="TTransformer">The task's prediction transformer.</typeparam>
public abstract class MlpTrainerBase<TOptions, TTransformer> : ITrainerEstimator<TTransformer, MlpModelParameters>
    where TOptions : MlpOptionsBase
    where TTransformer : MlpPredictionTransformer
{
    // Reads the data once into memory, so asks for no cache; takes validation data and continues previous models.
    private static readonly TrainerInfo SharedInfo = MlNetInternals.TrainerInfo(normalization: true, caching: false, supportsValidation: true, supportsIncrementalTraining: true);

    private readonly MlpTaskHead _head;
    private readonly IHostEnvironment? _environment;

    private protected MlpTrainerBase(TOptions options, MlpTaskHead head, IHostEnvironment? environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _head = head;
        _environment = environment;
    }

    /// <summary>The options this trainer was created with.</summary>
    public TOptions Options { get; }

    /// <summary>What ML.NET's generic code asks of a trainer: it needs normalized features
    /// (<see cref="TrainerInfo.NeedNormalization"/>) and no cache in front of it (<see cref="TrainerInfo.WantCaching"/>
    /// false: it reads the data once into memory).</summary>
    public TrainerInfo Info => SharedInfo;

    private protected abstract TTransformer CreateTransformer(MlpModelParameters model, DataViewSchema trainingSchema);

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
        using var environment = FitEnvironment.Start(Options, _environment);
        var o = (TOptions)environment.Options;
        ValidationSet.RequireOneSource(validationData, o.ValidationFraction);
        using var reporter = new TrainingReporter(o, _head.MetricName, environment.Host);

        // 0. The memory the whole fit needs, before anything is allocated: the model's part now, with the data's when
        //    the views know their row counts; otherwise the data's is checked as it is read.
        var memory = MemoryEstimate.For(o, _head, trainData.Schema, validationData != null);
        if (memory.MayReadSparse)
        {
            // The model alone first, a model that cannot fit refused before any row is computed: counted as for sparse
            // rows, its smallest part (no dense batch, no copies a lazy sparse step does without), so that a model that
            // fits is not refused; the first row then tells the layout, which every later check counts.
            memory.UseSparseRows(1);
            memory.Require(0, 0, rowsFinal: false, "the data view reports");
            memory.UseSparseRows(DataViewReader.FirstRowNonZeros(trainData, o.FeatureColumnName));
        }
        long? knownRows = trainData.GetRowCount();
        memory.Require(knownRows ?? 0, validationData?.GetRowCount() ?? 0, rowsFinal: knownRows != null, "the data view reports");

        // 1. Read the training data into memory; the task's head checks and reads the labels.
        var train = DataViewReader.Read(trainData, _head, o, "training", memory.ForTraining());
        reporter.RowsRead(train, "training");
        if (train.Data.SparseFeatures is { } sparse) memory.UseSparseRows((double)sparse.NonZeroCount / sparse.Rows);
        // Again with the rows actually read, before the split, the copies and the model are allocated.
        memory.Require(train.Data.Rows, validationData?.GetRowCount() ?? 0, rowsFinal: true, "read");
        var trainingLabel = trainData.Schema[o.LabelColumnName];
        _head.CheckClassesPresent(train.DistinctClasses, train.Data.Rows, trainingLabel, warmStart: previousModel != null, reporter);

        // 2. The validation examples: read the given ones, or hold out part of the training rows.
        var training = train.Data;
        TrainingData? validation = null;
        if (validationData != null)
        {
            var read = DataViewReader.Read(validationData, _head, o, "validation", memory.ForValidation(train.Data.Rows));
            reporter.RowsRead(read, "validation");
            validation = read.Data;
        }
        else if (o.ValidationFraction is float fraction)
        {
            (training, validation) = ValidationSet.Split(train.Data, fraction, o.EffectiveSeed);
        }
        else if (ValidationSet.DefaultFraction(o, train.Data) is float defaultFraction)
        {
            (training, validation) = ValidationSet.Split(train.Data, defaultFraction, o.EffectiveSeed);
            reporter.DefaultValidationSplit(validation.Rows, training.Rows, defaultFraction);
        }
        ValidationSet.RequireSameShape(training, validation);
        int outputs = train.Label.OutputCount;
        var classValues = _head.ClassValues(trainingLabel);
        _head.RequireSameClasses(outputs, classValues, trainingLabel, validationData?.Schema[o.LabelColumnName], previousModel);

        // 3. Continue the previous model, or build and initialize a new network.
        TrainingState state;
        LabelStandardization? standardization;
        FeatureStandardization? features;
        if (previousModel != null)
        {
            WarmStart.RequireCompatible(previousModel, _head, o, training.FeatureCount, outputs);
            standardization = LabelStandardization.Of(previousModel);
            (state, features) = WarmStart.ContinueFrom(previousModel, o.StandardizeFeatures ? training : null, o);
        }
        else
        {
            standardization = o.StandardizesLabels ? LabelStandardization.Fit(training) : null;
            features = !o.StandardizeFeatures ? null
                : training.SparseFeatures != null ? FeatureStandardization.FitSparse(training, MlpDefaults.TrainsSparseRowsAsATable(o, training.FeatureCount))
                : FeatureStandardization.Fit(training);
            var network = NetworkBuilder.Build(o, _head, training.FeatureCount, outputs);
            network.Initialize(o.EffectiveSeed);
            state = new TrainingState(network);
        }
        if (features != null)
        {
            // Standardized sparse rows fold into the model too, and rows that lack a centered column get new arrays:
            // known only now, checked before they are made.
            if (training.SparseFeatures != null)
                memory.Require(train.Data.Rows, validationData != null ? validation!.Rows : 0, rowsFinal: true, "read", memory.StandardizedSparseParts(
                    (features.CopiedNonZeros(training), training.Rows), (validation != null ? features.CopiedNonZeros(validation) : 0, validation?.Rows ?? 0)));
            // In place where the layout allows: the arrays were read (or split) for this fit alone.
            // Dense rows that are mostly zeros stay so (centered through the engine's input offset), for the first layer to skip.
            training = features.Standardize(training, keepZeros: training.SparseFeatures == null
                && ZeroSkipping.Suits(training, EngineTrainingOptions.BatchSizeOf(o, training.Rows), withOffset: true));
            if (validation != null) validation = features.Standardize(validation);
        }
        if (standardization != null)
        {
            training = standardization.Apply(training);
            if (validation != null) validation = standardization.Apply(validation);
        }

        // 4. A small table's default penalty is chosen by cross-validation on the training rows (L2CrossValidation).
        if (previousModel == null && MlpDefaults.SelectsL2ByCrossValidation(o, training.Rows, training.SparseFeatures != null ? training.FeatureCount : null))
        {
            var choice = L2CrossValidation.Choose(o, _head, training, outputs);
            reporter.L2Chosen(choice);
            o = (TOptions)o.WithChosenL2(choice.Lambda);
        }

        // 5. Train with the engine's settings translated from the options (EngineTrainingOptions).
        var stopReason = NetworkTraining.Run(state, training, validation, o, _head, reporter, ToModel);

        // 6. Wrap the model in the task's transformer.
        var model = ToModel(state, stopReason);
        if (model.OnnxExportBlocker is { } reason) reporter.NotSaveable(reason);
        return CreateTransformer(model, trainData.Schema);

        // Every model handed out (the result, the diverged one) takes raw features: the standardization is folded in.
        MlpModelParameters ToModel(TrainingState s, StopReason reason) => new(_head, features?.Fold(s.Network) ?? s.Network, classValues,
            standardization?.Mean, standardization?.Scale, s, s.History, reason, features);
    }

    /// <summary>The schema the trained transformer will produce; checks the label, feature and weight columns.</summary>
    /// <param name="inputSchema">The shape of the training data.</param>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => MlpOutputSchema.For(_head, inputSchema, Options);
}
