using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace MLNet.Mlp.Onnx.Protobuf;

/// <summary>
/// A minimal protobuf encoder: just the wire format pieces that ONNX needs (varints, fixed32 floats,
/// length-delimited strings/bytes/messages and packed repeated scalars). Fields are written in the order
/// the caller writes them; protobuf parsers accept any order.
/// </summary>
/// <remarks>
/// Hand-written on purpose: the library must not depend on a protobuf runtime. Nested messages are
/// serialized into their own buffer first so that their length prefix is known.
/// </remarks>
internal sealed class ProtoWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    /// <summary>Number of bytes written so far.</summary>
    public long Length => _buffer.WrittenCount;

    /// <summary>Serializes a whole message to a new byte array.</summary>
    public static byte[] Serialize(IProtoMessage message)
    {
        var writer = new ProtoWriter();
        message.WriteTo(writer);
        return writer.ToArray();
    }

    /// <summary>Returns a copy of the bytes written so far.</summary>
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>Copies the bytes written so far to <paramref name="destination"/>.</summary>
    public void CopyTo(Stream destination) => destination.Write(_buffer.WrittenSpan);

    private void CopyTo(ArrayBufferWriter<byte> destination) => destination.Write(_buffer.WrittenSpan);

    /// <summary>Writes a field tag: (field number &lt;&lt; 3) | wire type.</summary>
    public void WriteTag(int fieldNumber, ProtoWireType wireType)
    {
        if (fieldNumber <= 0)
            throw new ArgumentOutOfRangeException(nameof(fieldNumber), "Protobuf field numbers start at 1.");
        WriteRawVarint(((ulong)(uint)fieldNumber << 3) | (uint)wireType);
    }

    /// <summary>Writes a base-128 varint with no tag.</summary>
    public void WriteRawVarint(ulong value)
    {
        Span<byte> bytes = stackalloc byte[10];
        int n = 0;
        while (value >= 0x80)
        {
            bytes[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        bytes[n++] = (byte)value;
        _buffer.Write(bytes[..n]);
    }

    /// <summary>Writes an int64 field (varint; negative values take ten bytes, as protobuf specifies).</summary>
    public void WriteInt64(int fieldNumber, long value)
    {
        WriteTag(fieldNumber, ProtoWireType.Varint);
        WriteRawVarint(unchecked((ulong)value));
    }

    /// <summary>Writes an int32 or enum field (sign-extended to 64 bits, as protobuf specifies).</summary>
    public void WriteInt32(int fieldNumber, int value) => WriteInt64(fieldNumber, value);

    /// <summary>Writes a float field (fixed32, little-endian).</summary>
    public void WriteFloat(int fieldNumber, float value)
    {
        WriteTag(fieldNumber, ProtoWireType.Fixed32);
        WriteRawFloat(value);
    }

    /// <summary>Writes a UTF-8 string field.</summary>
    public void WriteString(int fieldNumber, string value) => WriteBytes(fieldNumber, Encoding.UTF8.GetBytes(value));

    /// <summary>Writes a bytes field.</summary>
    public void WriteBytes(int fieldNumber, ReadOnlySpan<byte> value)
    {
        WriteTag(fieldNumber, ProtoWireType.LengthDelimited);
        WriteRawVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    /// <summary>Writes an embedded message field; an empty message is still written (it marks presence).</summary>
    public void WriteMessage(int fieldNumber, IProtoMessage message)
    {
        var nested = new ProtoWriter();
        message.WriteTo(nested);
        WriteTag(fieldNumber, ProtoWireType.LengthDelimited);
        WriteRawVarint((ulong)nested.Length);
        nested.CopyTo(_buffer);
    }

    /// <summary>Writes a packed repeated int64 field (one length-delimited run of varints). Nothing for an empty span.</summary>
    public void WritePackedInt64(int fieldNumber, ReadOnlySpan<long> values)
    {
        if (values.IsEmpty)
            return;
        var nested = new ProtoWriter();
        foreach (long v in values)
            nested.WriteRawVarint(unchecked((ulong)v));
        WriteTag(fieldNumber, ProtoWireType.LengthDelimited);
        WriteRawVarint((ulong)nested.Length);
        nested.CopyTo(_buffer);
    }

    /// <summary>Writes a packed repeated float field (one length-delimited run of fixed32). Nothing for an empty span.</summary>
    public void WritePackedFloat(int fieldNumber, ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
            return;
        WriteTag(fieldNumber, ProtoWireType.LengthDelimited);
        WriteRawVarint((ulong)values.Length * 4);
        foreach (float v in values)
            WriteRawFloat(v);
    }

    private void WriteRawFloat(float value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
    }
}
