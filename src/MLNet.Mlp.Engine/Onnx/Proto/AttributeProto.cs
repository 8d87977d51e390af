using MLNet.Mlp.Onnx.Protobuf;

namespace MLNet.Mlp.Onnx.Proto;

/// <summary>ONNX <c>AttributeProto</c>, limited to the float, int and ints kinds the exporter needs.</summary>
internal sealed class AttributeProto : IProtoMessage
{
    // AttributeProto.AttributeType values.
    private const int TypeFloat = 1;
    private const int TypeInt = 2;
    private const int TypeInts = 7;

    private readonly int _type;
    private readonly float _float;
    private readonly long _int;
    private readonly long[] _ints;

    private AttributeProto(string name, int type, float f, long i, long[] ints)
    {
        Name = name;
        _type = type;
        _float = f;
        _int = i;
        _ints = ints;
    }

    /// <summary>Attribute name, e.g. "alpha" or "transB".</summary>
    public string Name { get; }

    /// <summary>A float attribute.</summary>
    public static AttributeProto Float(string name, float value) => new(name, TypeFloat, value, 0, []);

    /// <summary>An int attribute.</summary>
    public static AttributeProto Int(string name, long value) => new(name, TypeInt, 0, value, []);

    /// <summary>A list-of-ints attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values) => new(name, TypeInts, 0, 0, values);

    // *** Fields (onnx.proto) ***
    // 1: string name
    // 2: float f
    // 3: int64 i
    // 8: repeated int64 ints (not declared packed in onnx.proto, so written one tag per value)
    // 20: AttributeType type
    public void WriteTo(ProtoWriter writer)
    {
        writer.WriteString(1, Name);
        switch (_type)
        {
            case TypeFloat:
                writer.WriteFloat(2, _float);
                break;
            case TypeInt:
                writer.WriteInt64(3, _int);
                break;
            case TypeInts:
                foreach (long v in _ints)
                    writer.WriteInt64(8, v);
                break;
        }
        writer.WriteInt32(20, _type);
    }
}
