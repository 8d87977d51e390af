using System.Buffers.Binary;
using System.Text;

namespace MLNet.Mlp.Tests.Onnx;

/// <summary>A tiny protobuf decoder for the tests: a message becomes a list of (field, wire type, value).</summary>
internal static class ProtoReader
{
    public sealed record Field(int Number, int WireType, ulong Varint, byte[] Bytes)
    {
        public string Text => Encoding.UTF8.GetString(Bytes);
        public long Int64 => unchecked((long)Varint);
        public float Float => BinaryPrimitives.ReadSingleLittleEndian(Bytes);
        public List<Field> Message => Parse(Bytes);
    }

    public static List<Field> Parse(byte[] data)
    {
        var fields = new List<Field>();
        int pos = 0;
        while (pos < data.Length)
        {
            ulong tag = ReadVarint(data, ref pos);
            int number = (int)(tag >> 3), wire = (int)(tag & 7);
            switch (wire)
            {
                case 0:
                    fields.Add(new Field(number, wire, ReadVarint(data, ref pos), []));
                    break;
                case 2:
                    int length = checked((int)ReadVarint(data, ref pos));
                    fields.Add(new Field(number, wire, 0, data[pos..(pos + length)]));
                    pos += length;
                    break;
                case 5:
                    fields.Add(new Field(number, wire, 0, data[pos..(pos + 4)]));
                    pos += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unexpected wire type {wire}.");
            }
        }
        return fields;
    }

    public static ulong ReadVarint(byte[] data, ref int pos)
    {
        ulong result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return result;
        }
    }

    public static long[] PackedVarints(byte[] data)
    {
        var values = new List<long>();
        int pos = 0;
        while (pos < data.Length)
            values.Add(unchecked((long)ReadVarint(data, ref pos)));
        return [.. values];
    }
}
