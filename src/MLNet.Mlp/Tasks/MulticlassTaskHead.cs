using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Activations;
using MLNet.Mlp.Fitting;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Metrics;
using MLNet.Mlp.Onnx;
using MLNet.Mlp.Persistence;
using MLNet.Mlp.Scoring;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tasks;

/// <summary>
/// Multiclass classification: a key-typed label of K classes, K softmax outputs trained with cross-entropy, columns
/// <c>Score</c> (the K probabilities, named after the classes) and <c>PredictedLabel</c> (the key of the most probable
/// class, carrying the label's class values so that <c>MapKeyToValue</c> works after it).
/// </summary>
internal sealed class MulticlassTaskHead : ClassificationTaskHead
{
    private const string ScoreColumnKind = "MulticlassClassification";
    private const string KeySameAdvice = "Key both with the same fitted MapValueToKey (transform them with the same fitted pipeline).";

    public override MlpTask Task => MlpTask.MulticlassClassification;

    public override IActivation OutputActivation => Activation.Softmax;

    public override ILoss CreateLoss() => new CategoricalCrossEntropyLoss();

    protected override LabelShape LabelShapeOf(DataViewSchema.Column label)
    {
        if (label.Type is not KeyDataViewType key)
            throw new ArgumentException($"Label column '{label.Name}' has type {label.Type}, but multiclass classification needs a key type. "
                + $"Add ml.Transforms.Conversion.MapValueToKey(\"{label.Name}\") before the trainer.", nameof(label));
        if (key.Count < 2 || key.Count > int.MaxValue)
            throw new ArgumentException($"Label column '{label.Name}' is a key type with {key.Count} values; multiclass classification needs between 2 and {int.MaxValue} classes.", nameof(label));
        return new LabelShape(TargetWidth: 1, OutputCount: (int)key.Count, ClassCount: (int)key.Count);
    }

    public override LabelReader CreateLabelReader(DataViewRowCursor cursor, DataViewSchema.Column label, LabelShape shape, float[]? classWeights)
        => new KeyLabelReader(cursor, label, shape.ClassCount, classWeights);

    public override KeyValueSet? ClassValues(DataViewSchema.Column label) => KeyValueSet.FromColumn(label);

    protected override string ClassName(DataViewSchema.Column label, int index)
    {
        var values = KeyValueSet.FromColumn(label);
        string key = $"key {index + 1}";
        return values != null && index < values.Count ? $"'{values.AsText()[index]}' ({key})" : key;
    }

    protected override string SingleClassMessage(int rows, string className, string labelColumn)
        => $"Every one of the {rows} training rows has the class {className} in label column '{labelColumn}'; a multiclass classifier needs at least two distinct classes.";

    protected override void ReportAbsentClasses(int[] present, DataViewSchema.Column label, TrainingReporter reporter)
    {
        if (label.Type is not KeyDataViewType key || present.Length >= (int)key.Count) return;
        var missing = Enumerable.Range(0, (int)key.Count).Except(present).Select(k => ClassName(label, k)).ToArray();
        reporter.AbsentClasses(missing, key.Count);
    }

    public override void RequireSameClasses(int outputs, KeyValueSet? classValues, DataViewSchema.Column trainingLabel, DataViewSchema.Column? validationLabel,
        MlpModelParameters? previousModel)
    {
        if (validationLabel is { } validation)
            RequireSameKeys(outputs, classValues, validation, "the validation data", KeySameAdvice, "validationData");
        if (previousModel != null)
            RequireSameKeys(previousModel.OutputCount, previousModel.ClassValues, trainingLabel, "the training data", KeySameAdvice, nameof(previousModel));
    }

    /// <summary>
    /// A key column named like the training label but with another key count (or other class values) means the data was
    /// keyed by a different <c>MapValueToKey</c>: ML.NET's evaluator would compare the K score slots with keys of another
    /// range and silently report wrong metrics (or fail deep inside with an index message). Refused at the schema.
    /// </summary>
    public override void CheckLabelToTransform(MlpModelParameters model, DataViewSchema.Column label)
        => RequireSameKeys(model.OutputCount, model.ClassValues, label, "the data to transform",
            "Key the label with the MapValueToKey transformer fitted on the training data (transform the evaluation data with the same fitted pipeline), "
            + "or rename the column if it is not the label.", "inputSchema");

    /// <summary>
    /// Refuses a key-typed label whose classes differ from <paramref name="expected"/> (another key count, or the same
    /// classes mapped to keys in another order): scores and targets would then refer to different classes and every
    /// loss and metric would be silently wrong. <paramref name="what"/> names the data in the message.
    /// </summary>
    private static void RequireSameKeys(int classCount, KeyValueSet? expected, DataViewSchema.Column label, string what, string advice, string paramName)
    {
        if (label.Type is not KeyDataViewType key) return;
        if (key.Count != (ulong)classCount)
            throw new ArgumentException($"Label column '{label.Name}' is a key type with {key.Count} values, but the model was trained on {classCount} classes (in {what}). {advice}", paramName);
        if (expected is { } trained && KeyValueSet.FromColumn(label) is { } given
            && !trained.AsText().Select(m => m.ToString()).SequenceEqual(given.AsText().Select(m => m.ToString())))
            throw new ArgumentException($"Label column '{label.Name}' maps its {classCount} classes to keys differently from the training data, in {what} "
                + $"(keys 1..{classCount}: [{string.Join(", ", given.AsText().Take(10))}] here, [{string.Join(", ", trained.AsText().Take(10))}] in training). {advice}", paramName);
    }

    public override void CheckLabelShape(SchemaShape.Column label)
    {
        if (!label.IsKey || label.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw new ArgumentException($"Label column '{label.Name}' has type {MlpOutputSchema.Describe(label)}, but multiclass classification needs a key type. "
                + $"Add ml.Transforms.Conversion.MapValueToKey(\"{label.Name}\") before the trainer.", "input");
    }

    public override SchemaShape OutputShape(MLContext stock, SchemaShape input, MlpOptionsBase options)
        => stock.MulticlassClassification.Trainers.SdcaMaximumEntropy(options.LabelColumnName, options.FeatureColumnName, options.ExampleWeightColumnName).GetOutputSchema(input);

    public override void AddOutputColumns(DataViewSchema.Builder builder, MlpModelParameters model)
    {
        int k = model.OutputCount;
        var score = ScoreAnnotations(ScoreColumnKind, "Score");
        if (model.ClassValues is { } values && values.Count == k)
        {
            var names = values.AsText();
            ValueGetter<VBuffer<ReadOnlyMemory<char>>> slotNames = (ref VBuffer<ReadOnlyMemory<char>> dst) => new VBuffer<ReadOnlyMemory<char>>(k, (ReadOnlyMemory<char>[])names.Clone()).CopyTo(ref dst);
            score.Add(AnnotationKinds.SlotNames, new VectorDataViewType(TextDataViewType.Instance, k), slotNames);
        }
        builder.AddColumn(PredictionColumnNames.Score, new VectorDataViewType(NumberDataViewType.Single, k), score.ToAnnotations());
        var label = ScoreAnnotations(ScoreColumnKind, "PredictedLabel");
        if (model.ClassValues is { } kv && kv.Count == k) kv.AddTo(label);
        builder.AddColumn(PredictionColumnNames.PredictedLabel, new KeyDataViewType(typeof(uint), k), label.ToAnnotations());
    }

    public override Delegate CreateGetter(DataViewSchema.Column column, MlpRowScoring row) => column.Name switch
    {
        PredictionColumnNames.Score => (ValueGetter<VBuffer<float>>)row.GetOutputs,
        PredictionColumnNames.PredictedLabel => (ValueGetter<uint>)((ref uint v) => v = (uint)AccuracyMetric.ArgMax(row.ScoredOutputs()) + 1),
        _ => throw MlpRowScoring.UnknownColumn(column),
    };

    public override OnnxHead OnnxHead => OnnxHead.Multiclass;

    public override bool ScoreIsVector(int outputCount) => true;

    public override string[] OnnxOutputColumns(int outputCount) => [PredictionColumnNames.Score, OnnxColumnNames.OnnxPredictedLabel];

    public override IEstimator<ITransformer> AppendOutputMapping(MLContext ml, IEstimator<ITransformer> onnx, OnnxBackedModelInfo info)
    {
        var lookup = ClassKeyLookup.Create(ml, info.OutputCount, info.ClassValues);
        return onnx
            .Append(ml.Transforms.CustomMapping<ClassIndexMapping.Source, ClassIndexMapping.Destination>(ClassIndexMapping.Map, ClassIndexMapping.ContractName))
            .Append(ml.Transforms.Conversion.MapValue(PredictionColumnNames.PredictedLabel, lookup, lookup.Schema[ClassKeyLookup.KeyColumn],
                lookup.Schema[ClassKeyLookup.ValueColumn], OnnxColumnNames.ClassIndex));
    }

    public override IEnumerable<string> MappingTemporaryColumns => [OnnxColumnNames.ClassIndex];

    public override void ValidateOutputCount(int outputCount)
    {
        if (outputCount < 2)
            throw new ArgumentException("A multiclass predictor has at least two classes.");
    }

    public override MlpPredictionTransformer CreateTransformer(MlpModelParameters model, DataViewSchema inputSchema, string featureColumnName, string? labelColumnName)
        => new MlpMulticlassPredictionTransformer(model, inputSchema, featureColumnName, labelColumnName ?? MlpDefaults.LabelColumnName);
}
