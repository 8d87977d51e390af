using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Scoring;

/// <summary>
/// The values of one pass-through input column for the rows a Transform cursor has read ahead, so that they can be
/// served after the input cursor has moved on. Each value is copied out of the input's buffers (a getter may reuse
/// them from row to row); slots are reused, so after the first rows nothing is allocated.
/// </summary>
internal abstract class BufferedColumn
{
    private static readonly MethodInfo CreateValueMethod = typeof(BufferedColumn).GetMethod(nameof(CreateValue), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo CreateVectorMethod = typeof(BufferedColumn).GetMethod(nameof(CreateVector), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Copies the input cursor's current value into <paramref name="slot"/>.</summary>
    public abstract void Read(int slot);

    /// <summary>
    /// A buffer of <paramref name="slots"/> values of <paramref name="column"/>, read from <paramref name="input"/>;
    /// null for a type whose values cannot be copied safely (a reference type, or a vector of text), for which the
    /// cursor does not read ahead.
    /// </summary>
    public static BufferedColumn? TryCreate(DataViewRowCursor input, DataViewSchema.Column column, int slots)
    {
        try
        {
            return Create(input, column, slots);
        }
        catch (Exception)
        {
            // A view whose cursor does not serve the column as its type's raw type: the cursor scores row by row, and
            // the consumer meets the error, if any, from the input's own getter.
            return null;
        }
    }

    private static BufferedColumn? Create(DataViewRowCursor input, DataViewSchema.Column column, int slots)
    {
        if (column.Type is VectorDataViewType vector)
        {
            var item = vector.ItemType.RawType;
            return item.IsValueType ? (BufferedColumn?)CreateVectorMethod.MakeGenericMethod(item).Invoke(null, [input, column, slots]) : null;
        }
        var raw = column.Type.RawType;
        if (raw == typeof(ReadOnlyMemory<char>)) return new TextColumn(input.GetGetter<ReadOnlyMemory<char>>(column), slots);
        return raw.IsValueType ? (BufferedColumn?)CreateValueMethod.MakeGenericMethod(raw).Invoke(null, [input, column, slots]) : null;
    }

    private static ValueColumn<T>? CreateValue<T>(DataViewRowCursor input, DataViewSchema.Column column, int slots)
        => RuntimeHelpers.IsReferenceOrContainsReferences<T>() ? null : new ValueColumn<T>(input.GetGetter<T>(column), slots);

    private static VectorColumn<T>? CreateVector<T>(DataViewRowCursor input, DataViewSchema.Column column, int slots)
        => RuntimeHelpers.IsReferenceOrContainsReferences<T>() ? null : new VectorColumn<T>(input.GetGetter<VBuffer<T>>(column), slots);
}

/// <summary>A <see cref="BufferedColumn"/> of values of type <typeparamref name="T"/>.</summary>
internal abstract class BufferedColumn<T> : BufferedColumn
{
    /// <summary>The value in <paramref name="slot"/>, copied into the caller's buffers.</summary>
    public abstract void Get(int slot, ref T value);
}

/// <summary>Values without references (numbers, Booleans, keys, dates, row ids): copied as they are.</summary>
internal sealed class ValueColumn<T>(ValueGetter<T> getter, int slots) : BufferedColumn<T>
{
    private readonly T[] _values = new T[slots];

    public override void Read(int slot) => getter(ref _values[slot]);

    public override void Get(int slot, ref T value) => value = _values[slot];
}

/// <summary>Vectors of values without references: deep copies, reusing each slot's arrays.</summary>
internal sealed class VectorColumn<T>(ValueGetter<VBuffer<T>> getter, int slots) : BufferedColumn<VBuffer<T>>
{
    private readonly VBuffer<T>[] _values = new VBuffer<T>[slots];
    private VBuffer<T> _scratch;

    public override void Read(int slot)
    {
        getter(ref _scratch);
        _scratch.CopyTo(ref _values[slot]);
    }

    public override void Get(int slot, ref VBuffer<T> value) => _values[slot].CopyTo(ref value);
}

/// <summary>Text: the characters are copied into the slot's own array, which grows as needed.</summary>
internal sealed class TextColumn(ValueGetter<ReadOnlyMemory<char>> getter, int slots) : BufferedColumn<ReadOnlyMemory<char>>
{
    private readonly char[][] _chars = new char[slots][];
    private readonly int[] _lengths = new int[slots];
    private ReadOnlyMemory<char> _scratch;

    public override void Read(int slot)
    {
        getter(ref _scratch);
        var chars = _chars[slot];
        if (chars == null || chars.Length < _scratch.Length) _chars[slot] = chars = new char[Math.Max(_scratch.Length, 16)];
        _scratch.Span.CopyTo(chars);
        _lengths[slot] = _scratch.Length;
    }

    public override void Get(int slot, ref ReadOnlyMemory<char> value) => value = _chars[slot].AsMemory(0, _lengths[slot]);
}
