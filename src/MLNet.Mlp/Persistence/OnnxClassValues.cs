using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Persistence;

/// <summary>
/// The values behind a multiclass label's keys (its KeyValues annotation), of any ML.NET primitive type:
/// a boxed <c>VBuffer&lt;T&gt;</c> together with its <see cref="VectorDataViewType"/>.
/// </summary>
internal sealed class OnnxClassValues
{
    private OnnxClassValues(VectorDataViewType type, object values, IReadOnlyList<string> text)
    {
        Type = type;
        Values = values;
        Text = text;
    }

    /// <summary>Type of the annotation: a vector of the label's value type, one slot per class.</summary>
    public VectorDataViewType Type { get; }

    /// <summary>The annotation value, a boxed <c>VBuffer&lt;T&gt;</c> with T = <c>Type.ItemType.RawType</c>.</summary>
    public object Values { get; }

    /// <summary>The values as text (invariant culture), for messages and for callers that want class names.</summary>
    public IReadOnlyList<string> Text { get; }

    /// <summary>Number of classes.</summary>
    public int Count => Type.Size;

    /// <summary>Reads the KeyValues annotation of a key-typed column; null when it has none.</summary>
    public static OnnxClassValues? FromKeyColumn(DataViewSchema.Column column)
    {
        var kv = column.Annotations.Schema.GetColumnOrNull(AnnotationKinds.KeyValues);
        if (kv is null || kv.Value.Type is not VectorDataViewType { IsKnownSize: true } type)
            return null;
        var method = typeof(OnnxClassValues).GetMethod(nameof(ReadAnnotation), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type.ItemType.RawType);
        return (OnnxClassValues)method.Invoke(null, [column.Annotations, type])!;
    }

    /// <summary>Class values given directly, e.g. <c>Create(TextDataViewType.Instance, "a".AsMemory(), ...)</c>.</summary>
    public static OnnxClassValues Create<T>(PrimitiveDataViewType itemType, params T[] values)
    {
        if (itemType.RawType != typeof(T))
            throw new ArgumentException($"Item type {itemType} does not hold {typeof(T).Name} values.");
        var type = new VectorDataViewType(itemType, values.Length);
        var buffer = new VBuffer<T>(values.Length, (T[])values.Clone());
        return new OnnxClassValues(type, buffer, values.Select(ToText).ToArray());
    }

    private static OnnxClassValues ReadAnnotation<T>(DataViewSchema.Annotations annotations, VectorDataViewType type)
    {
        VBuffer<T> buffer = default;
        annotations.GetValue(AnnotationKinds.KeyValues, ref buffer);
        return Create((PrimitiveDataViewType)type.ItemType, buffer.DenseValues().ToArray());
    }

    private static string ToText<T>(T value) => value switch
    {
        ReadOnlyMemory<char> text => text.ToString(),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };
}
