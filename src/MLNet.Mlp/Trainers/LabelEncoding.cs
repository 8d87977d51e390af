using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Trainers;

/// <summary>How a task's label column becomes targets, checked against the schema before anything is read.</summary>
internal static class LabelEncoding
{
    /// <summary>Validates the label column for the task and returns the target width (classes are sparse: width 1).</summary>
    public static int TargetWidth(MlpTask task, DataViewSchema schema, string label, out int outputCount)
    {
        var column = schema.GetColumnOrNull(label)
            ?? throw new ArgumentOutOfRangeException(nameof(label), $"Label column '{label}' was not found in the data. Available columns: {string.Join(", ", schema.Select(c => c.Name))}.");
        var type = column.Type;
        switch (task)
        {
            case MlpTask.MulticlassClassification:
                if (type is not KeyDataViewType key)
                    throw new ArgumentException($"Label column '{label}' has type {type}, but multiclass classification needs a key type. "
                        + $"Add ml.Transforms.Conversion.MapValueToKey(\"{label}\") before the trainer.", nameof(label));
                if (key.Count < 2 || key.Count > int.MaxValue)
                    throw new ArgumentException($"Label column '{label}' is a key type with {key.Count} values; multiclass classification needs between 2 and {int.MaxValue} classes.", nameof(label));
                outputCount = (int)key.Count;
                return 1;
            case MlpTask.BinaryClassification:
                if (type != BooleanDataViewType.Instance)
                    throw new ArgumentException($"Label column '{label}' has type {type}, but binary classification needs a Boolean label.", nameof(label));
                outputCount = 1;
                return 1;
            default:
                if (type == NumberDataViewType.Single) { outputCount = 1; return 1; }
                if (type is VectorDataViewType { ItemType: var item } v && item == NumberDataViewType.Single && v.IsKnownSize)
                {
                    outputCount = v.Size;
                    return v.Size;
                }
                throw new ArgumentException($"Label column '{label}' has type {type}, but regression needs a Single or a known-size vector of Single.", nameof(label));
        }
    }

    /// <summary>
    /// Refuses a key-typed label whose classes differ from <paramref name="expected"/> (another key count, or the same
    /// classes mapped to keys in another order): scores and targets would then refer to different classes and every
    /// loss and metric would be silently wrong. <paramref name="what"/> names the data in the message.
    /// </summary>
    public static void RequireSameClasses(int classCount, KeyValueSet? expected, DataViewSchema.Column label, string what, string advice, string paramName)
    {
        if (label.Type is not KeyDataViewType key) return;
        if (key.Count != (ulong)classCount)
            throw new ArgumentException($"Label column '{label.Name}' is a key type with {key.Count} values, but the model was trained on {classCount} classes (in {what}). {advice}", paramName);
        if (expected is { } trained && KeyValueSet.FromColumn(label) is { } given
            && !trained.AsText().Select(m => m.ToString()).SequenceEqual(given.AsText().Select(m => m.ToString())))
            throw new ArgumentException($"Label column '{label.Name}' maps its {classCount} classes to keys differently from the training data, in {what} "
                + $"(keys 1..{classCount}: [{string.Join(", ", given.AsText().Take(10))}] here, [{string.Join(", ", trained.AsText().Take(10))}] in training). {advice}", paramName);
    }
}
