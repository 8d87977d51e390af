using System.ComponentModel;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using MLNet.Mlp.Activations;
using MLNet.Mlp.Initializers;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Schedules;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Trainers;

/// <summary>
/// Options shared by the MLP trainers for every task. Each value is checked when it is set (an
/// <see cref="ArgumentException"/> naming the option) and the combination when the trainer is created, so bad
/// settings never surface midway through training.
/// </summary>
public abstract class MlpOptionsBase
{
    private string _labelColumnName = MlpDefaults.LabelColumnName;
    private string _featureColumnName = MlpDefaults.FeatureColumnName;
    private string? _exampleWeightColumnName;
    private int[] _hiddenLayers = TrainingDefaults.HiddenLayers();
    private IActivation _activation = Activations.Activation.Relu;
    private IOptimizer _optimizer = TrainingDefaults.Optimizer();
    private float _learningRate = TrainingDefaults.LearningRate;
    private ILearningRateSchedule _schedule = MlpDefaults.Schedule;
    private int? _batchSize;
    private int? _epochs;
    private float? _l2;
    private float _weightDecay;
    private float? _clipValue;
    private float? _clipNorm;
    private float _dropout;
    private int? _numberOfThreads;
    private float? _validationFraction;
    private TimeSpan _progressInterval = TrainingDefaults.ProgressInterval;

    /// <summary>Name of the label column. Default "Label".</summary>
    public string LabelColumnName { get => _labelColumnName; set => _labelColumnName = RequireName(value, nameof(LabelColumnName)); }

    /// <summary>Name of the feature column: a known-size vector of Single. Default "Features".</summary>
    public string FeatureColumnName { get => _featureColumnName; set => _featureColumnName = RequireName(value, nameof(FeatureColumnName)); }

    /// <summary>Name of an optional example-weight column (Single, non-negative). Default null: every example weighs 1.</summary>
    public string? ExampleWeightColumnName
    {
        get => _exampleWeightColumnName;
        set => _exampleWeightColumnName = value is null ? null : RequireName(value, nameof(ExampleWeightColumnName));
    }

    /// <summary>Widths of the hidden layers, input side first; may be empty (a linear/logistic model). Default [128].</summary>
    public int[] HiddenLayers
    {
        get => _hiddenLayers;
        set
        {
            ArgumentNullException.ThrowIfNull(value, nameof(HiddenLayers));
            for (int i = 0; i < value.Length; i++)
                if (value[i] <= 0) throw new ArgumentOutOfRangeException(nameof(HiddenLayers), value[i], $"Hidden layer {i} has width {value[i]}; every hidden layer needs at least one unit.");
            _hiddenLayers = (int[])value.Clone();
        }
    }

    /// <summary>Activation of the hidden layers. Default ReLU.</summary>
    public IActivation Activation { get => _activation; set => _activation = value ?? throw new ArgumentNullException(nameof(Activation)); }

    /// <summary>Weight initializer of every dense layer; null (default) for Glorot (Xavier) uniform, Keras's and
    /// scikit-learn's default, whatever the activation (on a narrow table He's larger start generalizes worse; on wide
    /// input the two nearly coincide). Set <see cref="Initializers.WeightInitializers.HeUniform"/> for the engine's
    /// per-activation choice in a deep ReLU stack.</summary>
    public IWeightInitializer? Initializer { get; set; }

    /// <summary>The optimizer. Default Adam (β₁ 0.9, β₂ 0.999, ε 1e-8, PyTorch conventions).</summary>
    public IOptimizer Optimizer { get => _optimizer; set => _optimizer = value ?? throw new ArgumentNullException(nameof(Optimizer)); }

    /// <summary>Base learning rate η₀; positive and finite. Default 0.001.</summary>
    public float LearningRate
    {
        get => _learningRate;
        set => _learningRate = value > 0f && float.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(LearningRate), value, $"Invalid learning rate: {value} (must be positive and finite).");
    }

    /// <summary>
    /// Learning-rate schedule. Default: a constant rate, which a run trained until converged (<see cref="NumberOfEpochs"/>
    /// null) lets fall linearly to zero over the last fifth of the steps it may take
    /// (<see cref="TrainingDefaults.FinalDecayFraction"/>): a large data set that stops at the step limit ends settled in
    /// a minimum rather than wherever the noise of its last constant-rate steps left it, while a run that converges
    /// earlier (small tables) trains exactly at the constant rate. A schedule set here, a <c>ConstantSchedule</c>
    /// included, is used as it is.
    /// </summary>
    public ILearningRateSchedule Schedule { get => _schedule; set => _schedule = value ?? throw new ArgumentNullException(nameof(Schedule)); }

    /// <summary>Whether <see cref="Schedule"/> is the default one (never set).</summary>
    internal bool HasDefaultSchedule => ReferenceEquals(_schedule, MlpDefaults.Schedule);

    /// <summary>What the schedule's time counts: epochs (default) or optimizer steps.</summary>
    public ScheduleUnit ScheduleUnit { get; set; } = TrainingDefaults.ScheduleUnit;

    /// <summary>What a metric-driven schedule (<c>ReduceOnPlateauSchedule</c>) watches: the validation (else training) loss
    /// (default) or the accuracy / R² metric — pair <see cref="MonitoredQuantity.Metric"/> with the schedule's Max mode.</summary>
    public MonitoredQuantity ScheduleMonitor { get; set; } = TrainingDefaults.ScheduleMonitor;

    /// <summary>Examples per optimizer step: 1 is stochastic, the row count is full-batch gradient descent; null
    /// (default) for 32, or every row when there are fewer; when training until converged on more than 64,000 rows,
    /// just enough that the 20,000-step limit covers 10 epochs (a million rows: 500), so that a large data set is seen
    /// ten times rather than cut short (<see cref="TrainingDefaults.BatchSizeFor"/>).</summary>
    public int? BatchSize
    {
        get => _batchSize;
        set => _batchSize = value is null or > 0 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, $"Invalid batch size: {value} (must be positive).");
    }

    /// <summary>
    /// Passes over the training data. Null (default) trains until converged: until the training loss — with validation
    /// data, the training or the validation loss, whichever settles first — has not improved by more than 1e-4 for 10
    /// epochs, for at most 1,000 epochs and 20,000 optimizer
    /// steps (<see cref="ConvergenceCriterion"/>; <see cref="MlpModelParameters.StopReason"/> says which ended the run),
    /// with the default <see cref="Schedule"/> decaying the rate over the last fifth of those limits.
    /// On sparse features (text) with no validation data and no <see cref="ValidationFraction"/>, a tenth of the training
    /// rows is held out as validation data for this rule (at least 100 rows; the log says so): there the training loss
    /// keeps wandering long after the model stopped improving.
    /// A number runs exactly that many epochs (fewer with <see cref="EarlyStopping"/> or cancellation).
    /// </summary>
    public int? NumberOfEpochs
    {
        get => _epochs;
        set => _epochs = value is null or > 0 ? value : throw new ArgumentOutOfRangeException(nameof(NumberOfEpochs), value, $"Invalid number of epochs: {value} (must be positive).");
    }

    /// <summary>
    /// L2 regularization λ added to the gradient of the weights (g += λθ, i.e. ½λ‖W‖² added to the mean loss; biases are
    /// not penalized). Null (default): when training until converged (<see cref="NumberOfEpochs"/> null) on n ≤ 10,000
    /// training rows, dense or sparse with a first layer of at most 2²⁰ weights (a table, not a text vocabulary, whose
    /// lazy sparse update the penalty would make a sweep of the whole layer every step), with no other weight penalty (<see cref="WeightDecay"/>, an optimizer's own weight decay), a
    /// penalty worth a few examples, λ = c/n (scikit-learn's <c>alpha</c> form, divided by the sample count), which keeps
    /// a small table trained until converged from being fitted to its noise; otherwise 0 (larger data sets reach the
    /// step limit before they overfit). A fresh fit of 50 to 1,000 rows chooses c among 1, 3, 10 and 30 by 3-fold
    /// cross-validation on its training rows (the lowest mean held-out loss; twelve extra fits of the network,
    /// deterministic and the same for any thread count), because no single c suits both curved class boundaries and
    /// nearly linear noisy targets; other sizes, and a continued model, use c = 3. The log states the candidates'
    /// losses, the choice and the λ a run used. Set a value (0 for no penalty) to skip all of this.
    /// </summary>
    public float? L2Regularization { get => _l2; set => _l2 = value is float v ? RequireNonNegative(v, nameof(L2Regularization)) : null; }

    /// <summary>Decoupled weight decay λ (θ ← θ − ηλθ on the weights, as AdamW), composable with any optimizer. Default 0.</summary>
    public float WeightDecay { get => _weightDecay; set => _weightDecay = RequireNonNegative(value, nameof(WeightDecay)); }

    /// <summary>Clip every gradient component to [−c, c]; null (default) for no clipping by value.</summary>
    public float? GradientClipValue { get => _clipValue; set => _clipValue = value is null ? null : RequirePositive(value.Value, nameof(GradientClipValue)); }

    /// <summary>Rescale the gradient so that its global L2 norm is at most this; null (default) for none.</summary>
    public float? GradientClipNorm { get => _clipNorm; set => _clipNorm = value is null ? null : RequirePositive(value.Value, nameof(GradientClipNorm)); }

    /// <summary>Dropout rate after each hidden layer, in [0, 1). Default 0.</summary>
    public float DropoutRate
    {
        get => _dropout;
        set => _dropout = value >= 0f && value < 1f ? value : throw new ArgumentOutOfRangeException(nameof(DropoutRate), value, $"Invalid dropout rate: {value} (must be in [0, 1)).");
    }

    /// <summary>
    /// Standardize each feature to zero mean and unit variance for training, with the mean and standard deviation of the
    /// training rows (a scale of at least a tenth of the feature's range, so that a feature that is rarely non-zero, such
    /// as an image's border pixel, is not magnified), each row counted with its example weight (validation rows are standardized with the same values).
    /// When training ends the standardization is folded into the first
    /// layer's weights and biases, so the model takes raw features: prediction, saving and ONNX export cost nothing
    /// extra and the weights seen in <see cref="MlpModelParameters.Layers"/> apply to raw features. With it a pipeline that
    /// feeds raw columns of mixed scales, as pipelines written for tree trainers do, trains about as well as one with
    /// <c>NormalizeMeanVariance</c> in front; a constant feature is only centered. Continuing a model (warm start) keeps
    /// the standardization it was trained with; a model without its training state (loaded from an ML.NET zip)
    /// continues on standardized features when this is true. Feature columns kept sparse (wide vectors such as
    /// <c>FeaturizeText</c>'s or a one-hot encoding of thousands of values) are never filled in: a column stored in at
    /// least nine rows of ten (a number concatenated beside them) is centered and scaled as a dense one when the first
    /// layer has at most 2²⁰ weights (a table rather than a text vocabulary) or its root mean square exceeds 1 (a
    /// deviation above 1, or a mean far from zero, such as a year), the rows that lack it storing −μ/s; any other column
    /// whose deviation exceeds 1 (an amount in the thousands) is only brought to unit spread; no other column is
    /// magnified, since a per-feature scale below 1 would lift rare terms far above common ones. Text, normalized per
    /// row, is thus left as it is. Turn it off to reproduce the weights of models trained before this option existed.
    /// Default true.
    /// </summary>
    public bool StandardizeFeatures { get; set; } = MlpDefaults.StandardizeFeatures;

    /// <summary>Batch normalization between each hidden layer's linear part and its activation. Default false.</summary>
    public bool BatchNormalization { get; set; }

    /// <summary>
    /// Seed for initialization, shuffling, dropout and the validation split. Null (default) takes one from the
    /// <see cref="MLContext"/>, as ML.NET's own trainers do: a context created with a seed gives the same weights on every
    /// run of the same program, one created without a seed gives different weights each run. A trainer with no context
    /// (created with <c>new</c> and no <see cref="Context"/>) uses 0.
    /// </summary>
    public int? Seed { get; set; }

    /// <summary>Cores to use; null (default) for all. Weights are bit-identical for any value.</summary>
    public int? NumberOfThreads
    {
        get => _numberOfThreads;
        set => _numberOfThreads = value is null or > 0 ? value : throw new ArgumentOutOfRangeException(nameof(NumberOfThreads), value, $"Invalid thread count: {value} (must be positive).");
    }

    /// <summary>The former name of <see cref="NumberOfThreads"/>, kept so that existing code compiles.</summary>
    [Obsolete("Use NumberOfThreads, the name ML.NET's trainers give this option.")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public int? MaxThreads { get => NumberOfThreads; set => NumberOfThreads = value; }

    /// <summary>Fraction of the training rows held out (seeded random split) for validation when <c>Fit</c> gets no
    /// validation set; in (0, 1), or null (default) for none — except that a run on sparse features trained until
    /// converged holds out 0.1 (see <see cref="NumberOfEpochs"/>).</summary>
    public float? ValidationFraction
    {
        get => _validationFraction;
        set => _validationFraction = value is null || (value > 0f && value < 1f) ? value : throw new ArgumentOutOfRangeException(nameof(ValidationFraction), value, $"Invalid validation fraction: {value} (must be in (0, 1)).");
    }

    /// <summary>Early stopping on the validation (or training) loss or metric; null (default) runs every epoch.</summary>
    public EarlyStopping? EarlyStopping { get; set; }

    /// <summary>Within an epoch, the least time between two progress messages (rows covered, training loss so far) sent to
    /// the log and the <see cref="Logger"/>; an epoch shorter than this sends none. Non-negative; default 10 seconds.</summary>
    public TimeSpan ProgressInterval
    {
        get => _progressInterval;
        set => _progressInterval = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(ProgressInterval), value, $"Invalid progress interval: {value} (must not be negative).");
    }

    /// <summary>Receives one structured entry per epoch (epoch, losses, metric, learning rate, seconds). Default null.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>
    /// The <see cref="MLContext"/> whose log gets the training messages (source "Mlp": rows read, one line per epoch, why
    /// training stopped, every warning), whose seed is used when <see cref="Seed"/> is null, and whose
    /// <c>CancelExecution</c> stops training at the next batch. Null (default) uses the context of the catalog that created
    /// the trainer (<c>mlContext.BinaryClassification.Trainers.Mlp()</c> and the others); set it for a trainer created
    /// with <c>new</c>, or to report to another context.
    /// </summary>
    public MLContext? Context { get; set; }

    /// <summary>Called after each epoch (for progress displays). Default null.</summary>
    public Action<EpochRecord>? EpochCompleted { get; set; }

    /// <summary>Stops training at the next batch when signalled: <c>Fit</c> returns the model trained so far (the
    /// initialized or warm-start model when signalled before the first step), with <see cref="MlpModelParameters.StopReason"/>
    /// <see cref="StopReason.Cancelled"/>, and logs a warning. Reading the data is not interrupted. Default none.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>
    /// What to do with a training or validation row whose feature vector holds NaN or ±∞. False (default): training
    /// fails with an <see cref="InvalidOperationException"/> naming the row, the slot and the column. True: such rows are
    /// left out, and their count is reported through <see cref="Logger"/> (a warning) and the context's log,
    /// like rows with a missing label. Prediction is not affected: a non-finite feature gives a non-finite score.
    /// </summary>
    public bool SkipRowsWithNonFiniteFeatures { get; set; }

    /// <summary>Overrides the memory a fit may use, data and model together (tests); null uses
    /// <see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/> minus the managed heap in use when the fit starts.</summary>
    internal long? AvailableMemoryBytes { get; set; }

    /// <summary>The seed a fit uses: <see cref="Seed"/>, which the fit's copy of the options (<see cref="ForFit"/>) has from
    /// the context when it was null, else 0.</summary>
    internal int EffectiveSeed => Seed ?? TrainingDefaults.Seed;

    /// <summary>A copy of these options for one fit, with the seed and cancellation token it uses; the copy keeps the
    /// fit's settings fixed if the trainer's options are changed while it runs.</summary>
    /// <param name="seed">The seed, or null for <see cref="TrainingDefaults.Seed"/>.</param>
    /// <param name="cancellation">The token the fit checks.</param>
    internal MlpOptionsBase ForFit(int? seed, CancellationToken cancellation)
    {
        var copy = (MlpOptionsBase)MemberwiseClone();
        copy.Seed = seed;
        copy.CancellationToken = cancellation;
        return copy;
    }

    /// <summary>A copy of these options for one candidate fit of the default penalty's cross-validation: penalty
    /// <paramref name="l2Regularization"/>, one core, and nothing reported (no epoch callback, logger, context or early stopping).</summary>
    /// <param name="l2Regularization">The candidate's λ.</param>
    internal MlpOptionsBase ForL2Candidate(float l2Regularization)
    {
        var copy = (MlpOptionsBase)MemberwiseClone();
        copy.L2Regularization = l2Regularization;
        copy.NumberOfThreads = 1;
        copy.EpochCompleted = null;
        copy.Logger = null;
        copy.Context = null;
        copy.EarlyStopping = null;
        return copy;
    }

    /// <summary>A copy of these options for the fit with the default penalty <paramref name="l2Regularization"/> chosen.</summary>
    /// <param name="l2Regularization">The chosen λ.</param>
    internal MlpOptionsBase WithChosenL2(float l2Regularization)
    {
        var copy = (MlpOptionsBase)MemberwiseClone();
        copy.L2Regularization = l2Regularization;
        return copy;
    }

    /// <summary>A weight per class multiplying each example's weight (for binary: [negative, positive]); null for none.</summary>
    internal virtual float[]? ExampleWeightsByClass => null;

    /// <summary>Whether labels are standardized for training (regression).</summary>
    internal virtual bool StandardizesLabels => false;

    /// <summary>Checks the combination of options; called when a trainer is created.</summary>
    public virtual void Validate()
    {
        if (string.Equals(FeatureColumnName, LabelColumnName, StringComparison.Ordinal))
            throw new ArgumentException($"FeatureColumnName and LabelColumnName are both '{FeatureColumnName}'.", nameof(FeatureColumnName));
        if (ExampleWeightColumnName != null && (ExampleWeightColumnName == LabelColumnName || ExampleWeightColumnName == FeatureColumnName))
            throw new ArgumentException($"ExampleWeightColumnName '{ExampleWeightColumnName}' must differ from the label and feature columns.", nameof(ExampleWeightColumnName));
        if (EarlyStopping != null)
        {
            EarlyStopping.Validate();
        }
        if (BatchNormalization && HiddenLayers.Length == 0)
            throw new ArgumentException("BatchNormalization needs at least one hidden layer.", nameof(BatchNormalization));
        if (DropoutRate > 0f && HiddenLayers.Length == 0)
            throw new ArgumentException("DropoutRate needs at least one hidden layer.", nameof(DropoutRate));
        // Known before any data is seen, so rejected here rather than when Fit starts.
        if (BatchNormalization && BatchSize is < 2)
            throw new ArgumentException($"BatchNormalization needs at least two examples per batch, but BatchSize is {BatchSize}.", nameof(BatchSize));
        // The regularizers of these options and the optimizer's own links form one chain: its check sees every link,
        // a user's own included, and refuses one regularizer applied twice.
        GradientTransformationChain.Build(Optimizer, l2Regularization: L2Regularization ?? 0f, weightDecay: WeightDecay,
            clipValue: GradientClipValue, clipNorm: GradientClipNorm);
    }

    private static string RequireName(string value, string option)
        => string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"{option} must be a non-empty column name.", option) : value;

    private static float RequireNonNegative(float value, string option)
        => value >= 0f && float.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(option, value, $"Invalid {option}: {value} (must be finite and non-negative).");

    private static float RequirePositive(float value, string option)
        => value > 0f && float.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(option, value, $"Invalid {option}: {value} (must be positive and finite).");
}
