using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Scoring;

/// <summary>
/// The model bound to one input schema: the output schema (input columns, then the task's prediction columns, which
/// hide same-named input columns; a label column named like the training label is checked by the task's head) and
/// the scored rows. Implements the row-to-row mapper that <c>PredictionEngine</c> uses.
/// </summary>
internal sealed class MlpBoundMapper : IRowToRowMapper
{
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
        if (labelColumnName != null && inputSchema.GetColumnOrNull(labelColumnName) is { } label)
            model.Head.CheckLabelToTransform(model, label);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        model.Head.AddOutputColumns(builder, model);
        OutputSchema = builder.ToSchema();
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
}
