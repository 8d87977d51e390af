using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Persistence;

namespace MLNet.Mlp.Tasks;

/// <summary>
/// The values behind a key-typed label (its <c>KeyValues</c> annotation), kept so that the model's
/// <c>PredictedLabel</c> carries them and <c>MapKeyToValue</c> works after it, and so that <c>Score</c> gets class names.
/// Supports the primitive item types ML.NET's <c>MapValueToKey</c> produces.
/// </summary>
internal sealed class KeyValueSet
{
    private KeyValueSet(DataViewType itemType, Array values)
    {
        ItemType = itemType;
        Values = values;
    }

    public DataViewType ItemType { get; }

    public Array Values { get; }

    public int Count => Values.Length;

    /// <summary>The type of the KeyValues annotation: a vector of the item type, one slot per class.</summary>
    public VectorDataViewType Type => new((PrimitiveDataViewType)ItemType, Count);

    /// <summary>The values as a boxed <c>VBuffer&lt;T&gt;</c> (the annotation value), T being the item's raw type.</summary>
    public object ToBoxedBuffer()
        => Activator.CreateInstance(typeof(VBuffer<>).MakeGenericType(Values.GetType().GetElementType()!), Count, Values.Clone(), null)!;

    /// <summary>Reads the KeyValues annotation of a key column, or null when it has none.</summary>
    public static KeyValueSet? FromColumn(DataViewSchema.Column column)
    {
        var annotation = column.Annotations.Schema.GetColumnOrNull(AnnotationKinds.KeyValues);
        if (annotation is not { Type: VectorDataViewType { ItemType: var item } }) return null;
        return item switch
        {
            TextDataViewType => Read<ReadOnlyMemory<char>>(column, item),
            _ when item == NumberDataViewType.Single => Read<float>(column, item),
            _ when item == NumberDataViewType.Double => Read<double>(column, item),
            _ when item == NumberDataViewType.Int32 => Read<int>(column, item),
            _ when item == NumberDataViewType.UInt32 => Read<uint>(column, item),
            _ when item == NumberDataViewType.Int64 => Read<long>(column, item),
            _ when item == NumberDataViewType.UInt64 => Read<ulong>(column, item),
            _ when item == NumberDataViewType.Int16 => Read<short>(column, item),
            _ when item == NumberDataViewType.Byte => Read<byte>(column, item),
            BooleanDataViewType => Read<bool>(column, item),
            _ => null,
        };
    }

    public static KeyValueSet Create(DataViewType itemType, Array values) => new(itemType, values);

    private static KeyValueSet Read<T>(DataViewSchema.Column column, DataViewType item)
    {
        VBuffer<T> buffer = default;
        column.GetKeyValues(ref buffer);
        return new KeyValueSet(item, buffer.DenseValues().ToArray());
    }

    /// <summary>The values as text (class names for <c>SlotNames</c>).</summary>
    public ReadOnlyMemory<char>[] AsText()
    {
        var names = new ReadOnlyMemory<char>[Values.Length];
        for (int i = 0; i < names.Length; i++)
            names[i] = (Values.GetValue(i) is ReadOnlyMemory<char> m ? m.ToString() : Convert.ToString(Values.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "").AsMemory();
        return names;
    }

    /// <summary>Adds a KeyValues annotation holding these values to <paramref name="builder"/>.</summary>
    public void AddTo(DataViewSchema.Annotations.Builder builder)
    {
        switch (Values)
        {
            case ReadOnlyMemory<char>[] v: Add(builder, v); break;
            case float[] v: Add(builder, v); break;
            case double[] v: Add(builder, v); break;
            case int[] v: Add(builder, v); break;
            case uint[] v: Add(builder, v); break;
            case long[] v: Add(builder, v); break;
            case ulong[] v: Add(builder, v); break;
            case short[] v: Add(builder, v); break;
            case byte[] v: Add(builder, v); break;
            case bool[] v: Add(builder, v); break;
            default: throw new InvalidOperationException($"Unsupported key value type {Values.GetType()}.");
        }
    }

    private void Add<T>(DataViewSchema.Annotations.Builder builder, T[] values)
    {
        ValueGetter<VBuffer<T>> getter = (ref VBuffer<T> dst) => new VBuffer<T>(values.Length, (T[])values.Clone()).CopyTo(ref dst);
        builder.Add(AnnotationKinds.KeyValues, new VectorDataViewType((PrimitiveDataViewType)ItemType, values.Length), getter);
    }
}
