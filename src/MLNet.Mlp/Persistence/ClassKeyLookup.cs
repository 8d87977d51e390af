using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Tasks;

namespace MLNet.Mlp.Persistence;

/// <summary>
/// The lookup table of the multiclass chain's <c>MapValue</c>: Key = class index (Int64, as ONNX ArgMax returns it),
/// Value = the class as <c>Key&lt;UInt32, K&gt;</c>, annotated with the label's KeyValues. (LoadFromEnumerable reads a
/// key-typed uint property as a 0-based index, so Value = i becomes key i + 1, the class's 1-based key; checked by the
/// tests.) MapValue copies the Value column's annotations to its output and saves the table, annotations included, in
/// the model.
/// </summary>
internal static class ClassKeyLookup
{
    /// <summary>The class-index column.</summary>
    public const string KeyColumn = nameof(LookupRow.Key);

    /// <summary>The key-typed class column.</summary>
    public const string ValueColumn = nameof(LookupRow.Value);

    public static IDataView Create(MLContext ml, int classCount, KeyValueSet? classValues)
    {
        var definition = SchemaDefinition.Create(typeof(LookupRow));
        var value = definition[nameof(LookupRow.Value)];
        value.ColumnType = new KeyDataViewType(typeof(uint), classCount);
        if (classValues is { } classes)
        {
            // AddAnnotation<T> is generic in the VBuffer type, known here only at run time.
            typeof(SchemaDefinition.Column).GetMethod(nameof(SchemaDefinition.Column.AddAnnotation), BindingFlags.Public | BindingFlags.Instance)!
                .MakeGenericMethod(classes.ToBoxedBuffer().GetType())
                .Invoke(value, [AnnotationKinds.KeyValues, classes.ToBoxedBuffer(), classes.Type]);
        }
        var rows = Enumerable.Range(0, classCount).Select(i => new LookupRow { Key = i, Value = (uint)i }).ToArray();
        return ml.Data.LoadFromEnumerable(rows, definition);
    }

    private sealed class LookupRow
    {
        public long Key { get; set; }

        public uint Value { get; set; }
    }
}
