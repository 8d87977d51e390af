using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Activations;
using MLNet.Mlp.Fitting;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Metrics;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Onnx;
using MLNet.Mlp.Persistence;
using MLNet.Mlp.Scoring;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tasks;

/// <summary>
/// Everything that differs between the prediction tasks, in one place per task: the output layer and the loss, the
/// metric, how the label column is checked and read, the prediction columns and how a network output becomes their
/// values, and the task's part of the ONNX-backed model. The trainer, the data reader, the scoring code and
/// persistence ask the head; <see cref="For"/> is the only place that looks at <see cref="MlpTask"/>.
/// </summary>
internal abstract class MlpTaskHead
{
    /// <summary>K classes: softmax output, cross-entropy, key-typed label.</summary>
    public static MlpTaskHead Multiclass { get; } = new MulticlassTaskHead();

    /// <summary>Two classes: one logit, binary cross-entropy, Boolean label.</summary>
    public static MlpTaskHead Binary { get; } = new BinaryTaskHead();

    /// <summary>Real values: identity output, squared error, Single or vector label.</summary>
    public static MlpTaskHead Regression { get; } = new RegressionTaskHead();

    /// <summary>The head of <paramref name="task"/>.</summary>
    public static MlpTaskHead For(MlpTask task) => task switch
    {
        MlpTask.MulticlassClassification => Multiclass,
        MlpTask.BinaryClassification => Binary,
        MlpTask.Regression => Regression,
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, $"Unknown task {task}."),
    };

    /// <summary>The task, as stored in checkpoints and shown to users.</summary>
    public abstract MlpTask Task { get; }

    // ---- Training ----

    /// <summary>Activation of the output layer.</summary>
    public abstract IActivation OutputActivation { get; }

    /// <summary>A new instance of the loss the network minimizes.</summary>
    public abstract ILoss CreateLoss();

    /// <summary>A new instance of the metric reported every epoch.</summary>
    public abstract IMetric CreateMetric();

    /// <summary>The metric's name in progress messages.</summary>
    public abstract string MetricName { get; }

    // ---- The label column ----

    /// <summary>Checks the label column of <paramref name="schema"/> for this task and returns its shape.</summary>
    public LabelShape ReadLabelShape(DataViewSchema schema, string labelColumn)
    {
        var column = schema.GetColumnOrNull(labelColumn)
            ?? throw new ArgumentOutOfRangeException("label", $"Label column '{labelColumn}' was not found in the data. Available columns: {string.Join(", ", schema.Select(c => c.Name))}.");
        return LabelShapeOf(column);
    }

    /// <summary>The shape of a label column that exists; throws <see cref="ArgumentException"/> (parameter "label") when the task cannot use its type.</summary>
    protected abstract LabelShape LabelShapeOf(DataViewSchema.Column label);

    /// <summary>Reads the label of each row of <paramref name="cursor"/> into targets.</summary>
    /// <param name="cursor">A cursor with the label column active.</param>
    /// <param name="label">The label column, already checked by <see cref="ReadLabelShape"/>.</param>
    /// <param name="shape">Its shape.</param>
    /// <param name="classWeights">Classification: a weight per class multiplying each example's weight; null for none.</param>
    public abstract LabelReader CreateLabelReader(DataViewRowCursor cursor, DataViewSchema.Column label, LabelShape shape, float[]? classWeights);

    /// <summary>The class values behind the label's keys, kept with the model; null when the task has none.</summary>
    public virtual KeyValueSet? ClassValues(DataViewSchema.Column label) => null;

    /// <summary>
    /// Checks the classes present in the training rows (<paramref name="distinctClasses"/>, null for regression); a
    /// fresh training run on a single class fails, a warm start only warns.
    /// </summary>
    public virtual void CheckClassesPresent(int[]? distinctClasses, int rows, DataViewSchema.Column label, bool warmStart, TrainingReporter reporter)
    {
    }

    /// <summary>
    /// Refuses validation data or a model to continue whose labels mean something else than the training labels
    /// (another class count, or the same classes mapped to other keys).
    /// </summary>
    /// <param name="outputs">The network's outputs for the training labels.</param>
    /// <param name="classValues">The training labels' class values.</param>
    /// <param name="trainingLabel">The training data's label column.</param>
    /// <param name="validationLabel">The validation data's label column, or null.</param>
    /// <param name="previousModel">The model to continue, or null.</param>
    public virtual void RequireSameClasses(int outputs, KeyValueSet? classValues, DataViewSchema.Column trainingLabel, DataViewSchema.Column? validationLabel,
        MlpModelParameters? previousModel)
    {
    }

    /// <summary>Refuses a column named like the training label whose classes differ from the model's, at transform time.</summary>
    public virtual void CheckLabelToTransform(MlpModelParameters model, DataViewSchema.Column label)
    {
    }

    // ---- The output columns ----

    /// <summary>Throws when the estimator-level label column cannot serve this task.</summary>
    public abstract void CheckLabelShape(SchemaShape.Column label);

    /// <summary>The estimator-level output schema, taken from a stock trainer of the task (its constructor is internal to ML.NET).</summary>
    /// <param name="stock">An ML.NET context the caller holds a lock on.</param>
    /// <param name="input">The input schema, already checked.</param>
    /// <param name="options">The trainer's options.</param>
    public abstract SchemaShape OutputShape(MLContext stock, SchemaShape input, MlpOptionsBase options);

    /// <summary>Adds the prediction columns and their annotations, after the input columns.</summary>
    public abstract void AddOutputColumns(DataViewSchema.Builder builder, MlpModelParameters model);

    // ---- Scoring ----

    /// <summary>
    /// The network outputs the prediction columns are computed from, for <paramref name="rows"/> examples on one
    /// thread: probabilities for multiclass, the logit for binary, the output layer for regression.
    /// </summary>
    public virtual void Predict(Network network, ReadOnlySpan<float> features, Span<float> outputs, int rows, ZeroSkippingInference? zeroSkipping = null)
        => network.PredictSkippingZeros(features, outputs, rows, 1, zeroSkipping);

    /// <summary>As <see cref="Predict"/> for one sparse row (the network's first layer is a dense layer).</summary>
    public virtual void PredictSparse(Network network, ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> outputs, ZeroSkippingInference? zeroSkipping = null)
        => network.PredictSparseRow(indices, values, outputs, preActivation: false, zeroSkipping);

    /// <summary>The getter of prediction column <paramref name="column"/> of a scored row.</summary>
    /// <returns>A <c>ValueGetter</c> of the column's type.</returns>
    public abstract Delegate CreateGetter(DataViewSchema.Column column, MlpRowScoring row);

    // ---- ONNX and the saved model ----

    /// <summary>How the ONNX graph turns the last layer into the outputs.</summary>
    public abstract OnnxHead OnnxHead { get; }

    /// <summary>The last layer as the ONNX head expects it.</summary>
    public virtual OnnxDenseLayer OnnxOutputLayer(OnnxDenseLayer last) => last;

    /// <summary>Whether <c>Score</c> is a vector (and comes out of ONNX as the final column) for a network of <paramref name="outputCount"/> outputs.</summary>
    public abstract bool ScoreIsVector(int outputCount);

    /// <summary>The ONNX outputs the saved chain reads, by column name.</summary>
    public abstract string[] OnnxOutputColumns(int outputCount);

    /// <summary>Appends to <paramref name="onnx"/> the stock transforms that turn the ONNX outputs into the task's columns.</summary>
    public abstract IEstimator<ITransformer> AppendOutputMapping(MLContext ml, IEstimator<ITransformer> onnx, OnnxBackedModelInfo info);

    /// <summary>The task's prediction transformer for a model read back from a saved zip.</summary>
    /// <param name="model">The model.</param>
    /// <param name="inputSchema">The schema the model is bound to.</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="labelColumnName">The label column the model was trained on, when the zip names it.</param>
    public abstract MlpPredictionTransformer CreateTransformer(MlpModelParameters model, DataViewSchema inputSchema, string featureColumnName, string? labelColumnName);

    /// <summary>Columns that <see cref="AppendOutputMapping"/> adds only as steps, dropped at the end of the chain.</summary>
    public virtual IEnumerable<string> MappingTemporaryColumns => [];

    /// <summary>Throws when a network of <paramref name="outputCount"/> outputs cannot serve this task.</summary>
    public virtual void ValidateOutputCount(int outputCount)
    {
    }

    /// <summary>Annotations of a prediction column: the task's score-column kind and what the column holds.</summary>
    protected static DataViewSchema.Annotations.Builder ScoreAnnotations(string kind, string valueKind)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        ValueGetter<ReadOnlyMemory<char>> kindGetter = (ref ReadOnlyMemory<char> dst) => dst = kind.AsMemory();
        ValueGetter<ReadOnlyMemory<char>> valueGetter = (ref ReadOnlyMemory<char> dst) => dst = valueKind.AsMemory();
        builder.Add(AnnotationKinds.ScoreColumnKind, TextDataViewType.Instance, kindGetter);
        builder.Add(AnnotationKinds.ScoreValueKind, TextDataViewType.Instance, valueGetter);
        return builder;
    }
}
