using System.Buffers.Binary;
using MLNet.Mlp.Onnx.Protobuf;

namespace MLNet.Mlp.Onnx.Proto;

/// <summary>ONNX <c>TensorProto</c>: a named constant (an initializer). Floats go to raw_data, int64 to int64_data.</summary>
internal sealed class TensorProto : IProtoMessage
{
    private readonly byte[]? _rawData;
    private readonly long[]? _int64Data;

    private TensorProto(string name, OnnxDataType dataType, long[] dims, byte[]? rawData, long[]? int64Data)
    {
        Name = name;
        DataType = dataType;
        Dims = dims;
        _rawData = rawData;
        _int64Data = int64Data;
    }

    /// <summary>The value name the graph refers to.</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public OnnxDataType DataType { get; }

    /// <summary>Shape; empty for a scalar.</summary>
    public IReadOnlyList<long> Dims { get; }

    /// <summary>A float tensor stored as little-endian raw_data.</summary>
    public static TensorProto FromFloats(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        CheckCount(values.Length, dims);
        var raw = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
        return new TensorProto(name, OnnxDataType.Float, dims, raw, null);
    }

    /// <summary>An int64 tensor stored in int64_data.</summary>
    public static TensorProto FromInt64s(string name, ReadOnlySpan<long> values, params long[] dims)
    {
        CheckCount(values.Length, dims);
        return new TensorProto(name, OnnxDataType.Int64, dims, null, values.ToArray());
    }

    private static void CheckCount(int count, long[] dims)
    {
        long expected = 1;
        foreach (long d in dims)
            expected *= d;
        if (expected != count)
            throw new ArgumentException($"Tensor shape [{string.Join(",", dims)}] holds {expected} values, got {count}.");
    }

    // *** Fields (onnx.proto) ***
    // 1: repeated int64 dims (not declared packed, so one tag per dimension)
    // 2: int32 data_type
    // 7: repeated int64 int64_data [packed = true]
    // 8: string name
    // 9: bytes raw_data (little-endian, fixed width)
    public void WriteTo(ProtoWriter writer)
    {
        foreach (long d in Dims)
            writer.WriteInt64(1, d);
        writer.WriteInt32(2, (int)DataType);
        if (_int64Data is not null)
            writer.WritePackedInt64(7, _int64Data);
        writer.WriteString(8, Name);
        if (_rawData is not null)
            writer.WriteBytes(9, _rawData);
    }
}
