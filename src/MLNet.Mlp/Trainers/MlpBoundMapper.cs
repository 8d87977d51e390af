using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Persistence;

namespace MLNet.Mlp.Trainers;

/// <summary>
/// The model bound to one input schema: the output schema (input columns, then the task's prediction columns,
/// which hide same-named input columns) and the getters of a scored row. Implements the row-to-row mapper
/// that <c>PredictionEngine</c> uses.
/// </summary>
internal sealed class MlpBoundMapper : IRowToRowMapper
{
    public const string ScoreColumn = "Score";
    public const string ProbabilityColumn = "Probability";
    public const string PredictedLabelColumn = "PredictedLabel";

    public MlpBoundMapper(MlpModelParameters model, DataViewSchema inputSchema, string featureColumnName, string? labelColumnName = null)
    {
        Model = model;
        InputSchema = inputSchema;
        var feature = inputSchema.GetColumnOrNull(featureColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Feature column '{featureColumnName}' was not found in the data to transform. Available columns: {string.Join(", ", inputSchema.Select(c => c.Name))}.");
        if (feature.Type is not VectorDataViewType { ItemType: var item } vector || item != NumberDataViewType.Single)
            throw new ArgumentException($"Feature column '{featureColumnName}' has type {feature.Type}, but the model needs a vector of Single of size {model.FeatureCount}.", nameof(inputSchema));
        if (vector.Size != model.FeatureCount)
            throw new ArgumentException($"Feature column '{featureColumnName}' has {(vector.IsKnownSize ? vector.Size.ToString(System.Globalization.CultureInfo.InvariantCulture) : "a variable number of")} values, but the model was trained on {model.FeatureCount}.", nameof(inputSchema));
        FeatureColumn = feature;
        if (model.Task == MlpTask.MulticlassClassification && labelColumnName != null)
            CheckLabelKeys(model, inputSchema, labelColumnName);
        OutputSchema = BuildSchema(model, inputSchema);
    }

    /// <summary>
    /// A key column named like the training label but with another key count (or other class values) means the data was
    /// keyed by a different <c>MapValueToKey</c>: ML.NET's evaluator would compare the K score slots with keys of another
    /// range and silently report wrong metrics (or fail deep inside with an index message). Refused here, at the schema.
    /// </summary>
    private static void CheckLabelKeys(MlpModelParameters model, DataViewSchema inputSchema, string labelColumnName)
    {
        if (inputSchema.GetColumnOrNull(labelColumnName) is not { } label) return;
        LabelEncoding.RequireSameClasses(model.OutputCount, model.ClassValues, label, "the data to transform",
            "Key the label with the MapValueToKey transformer fitted on the training data (transform the evaluation data with the same fitted pipeline), "
            + "or rename the column if it is not the label.", nameof(inputSchema));
    }

    public MlpModelParameters Model { get; }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public DataViewSchema.Column FeatureColumn { get; }

    /// <summary>How many leading output columns pass through from the input.</summary>
    public int InputColumnCount => InputSchema.Count;

    public bool IsPrediction(DataViewSchema.Column column) => column.Index >= InputColumnCount;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var needed = new HashSet<int>();
        foreach (var c in dependingColumns)
        {
            if (IsPrediction(c)) needed.Add(FeatureColumn.Index);
            else needed.Add(c.Index);
        }
        return needed.OrderBy(i => i).Select(i => InputSchema[i]).ToArray();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        => new MlpScoredRow(this, input, activeColumns.Select(c => c.Index).ToHashSet());

    private static DataViewSchema BuildSchema(MlpModelParameters model, DataViewSchema input)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        switch (model.Task)
        {
            case MlpTask.MulticlassClassification:
            {
                int k = model.OutputCount;
                var score = ScoreAnnotations("MulticlassClassification", "Score");
                if (model.ClassValues is { } values && values.Count == k)
                {
                    var names = values.AsText();
                    ValueGetter<VBuffer<ReadOnlyMemory<char>>> slotNames = (ref VBuffer<ReadOnlyMemory<char>> dst) => new VBuffer<ReadOnlyMemory<char>>(k, (ReadOnlyMemory<char>[])names.Clone()).CopyTo(ref dst);
                    score.Add(AnnotationKinds.SlotNames, new VectorDataViewType(TextDataViewType.Instance, k), slotNames);
                }
                builder.AddColumn(ScoreColumn, new VectorDataViewType(NumberDataViewType.Single, k), score.ToAnnotations());
                var label = ScoreAnnotations("MulticlassClassification", "PredictedLabel");
                if (model.ClassValues is { } kv && kv.Count == k) kv.AddTo(label);
                builder.AddColumn(PredictedLabelColumn, new KeyDataViewType(typeof(uint), k), label.ToAnnotations());
                break;
            }
            case MlpTask.BinaryClassification:
                builder.AddColumn(ScoreColumn, NumberDataViewType.Single, ScoreAnnotations("BinaryClassification", "Score").ToAnnotations());
                builder.AddColumn(ProbabilityColumn, NumberDataViewType.Single, ScoreAnnotations("BinaryClassification", "Probability").ToAnnotations());
                builder.AddColumn(PredictedLabelColumn, BooleanDataViewType.Instance, ScoreAnnotations("BinaryClassification", "PredictedLabel").ToAnnotations());
                break;
            default:
                DataViewType type = model.OutputCount == 1 ? NumberDataViewType.Single : new VectorDataViewType(NumberDataViewType.Single, model.OutputCount);
                builder.AddColumn(ScoreColumn, type, ScoreAnnotations("Regression", "Score").ToAnnotations());
                break;
        }
        return builder.ToSchema();
    }

    private static DataViewSchema.Annotations.Builder ScoreAnnotations(string kind, string valueKind)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        ValueGetter<ReadOnlyMemory<char>> kindGetter = (ref ReadOnlyMemory<char> dst) => dst = kind.AsMemory();
        ValueGetter<ReadOnlyMemory<char>> valueGetter = (ref ReadOnlyMemory<char> dst) => dst = valueKind.AsMemory();
        builder.Add(AnnotationKinds.ScoreColumnKind, TextDataViewType.Instance, kindGetter);
        builder.Add(AnnotationKinds.ScoreValueKind, TextDataViewType.Instance, valueGetter);
        return builder;
    }
}
