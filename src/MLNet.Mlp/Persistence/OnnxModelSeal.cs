using System.Security.Cryptography;
using System.Text;
using MLNet.Mlp.Onnx.Protobuf;

namespace MLNet.Mlp.Persistence;

/// <summary>
/// What an MLP's ONNX graph carries besides the graph when it is saved inside a model zip, and the check of it on load.
/// The exporter's <c>ModelProto</c> bytes are followed by repeated <c>metadata_props</c> entries (field 14,
/// <c>StringStringEntryProto</c>: key = field 1, value = field 2, both UTF-8 strings); protobuf merges appended fields
/// into the message, so ONNX Runtime and stock <c>Model.Load</c> read the graph exactly as before and ignore them:
/// <code>
/// [exporter's ModelProto bytes]
/// metadata_props "MLNet.Mlp.Model"         base64 of the model's checkpoint image (MlpCheckpointFormat, without
///                                           optimizer state): the unfolded layers, weights and batch-norm statistics,
///                                           class values and label standardization, so the model loads bit-identical
///                                           to the trained one (the graph has batch norm and label scaling folded in)
/// metadata_props "MLNet.Mlp.FeatureColumn" the transformer's feature column name
/// metadata_props "MLNet.Mlp.LabelColumn"   the label column name (multiclass; "" otherwise)
/// metadata_props "MLNet.Mlp.Sha256"        64 upper-case hex digits: SHA-256 of every byte before this entry
/// </code>
/// The SHA-256 entry is always the last field, so the checksum covers the graph, its weights and the other entries.
/// Zips written before this seal existed have none of these keys; <see cref="Open"/> reports them as unsealed.
/// </summary>
internal static class OnnxModelSeal
{
    public const string ModelKey = "MLNet.Mlp.Model";
    public const string FeatureColumnKey = "MLNet.Mlp.FeatureColumn";
    public const string LabelColumnKey = "MLNet.Mlp.LabelColumn";
    public const string ChecksumKey = "MLNet.Mlp.Sha256";
    private const int MetadataPropsField = 14;
    private const int KeyField = 1;
    private const int ValueField = 2;
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The sealed contents of an ONNX entry.</summary>
    public sealed record Contents(byte[] Checkpoint, string FeatureColumnName, string? LabelColumnName);

    public static byte[] Seal(byte[] onnxModel, byte[] checkpoint, string featureColumnName, string? labelColumnName)
    {
        var writer = new ProtoWriter();
        WriteEntry(writer, ModelKey, Convert.ToBase64String(checkpoint));
        WriteEntry(writer, FeatureColumnKey, featureColumnName);
        WriteEntry(writer, LabelColumnKey, labelColumnName ?? "");
        byte[] body = [.. onnxModel, .. writer.ToArray()];
        var checksum = new ProtoWriter();
        WriteEntry(checksum, ChecksumKey, Convert.ToHexString(SHA256.HashData(body)));
        return [.. body, .. checksum.ToArray()];
    }

    /// <summary>
    /// Checks an ONNX entry read from a model zip. Returns null when it carries none of the seal's keys (written before
    /// the seal existed); throws <see cref="MlpModelFormatException"/> naming <paramref name="entryName"/> when it is not
    /// a well-formed protobuf message, when a seal key is present without the checksum as last field, or when the
    /// checksum does not match.
    /// </summary>
    public static Contents? Open(byte[] onnxModel, string entryName)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        int lastFieldStart = -1;
        string? lastKey = null;
        int position = 0;
        try
        {
            while (position < onnxModel.Length)
            {
                int start = position;
                ulong tag = ReadVarint(onnxModel, ref position);
                int field = checked((int)(tag >> 3));
                var wireType = (ProtoWireType)(tag & 7);
                if (field == 0) throw Corrupt(entryName, $"field number 0 at byte {start}");
                lastKey = null;
                switch (wireType)
                {
                    case ProtoWireType.Varint: ReadVarint(onnxModel, ref position); break;
                    case ProtoWireType.Fixed64: position = Advance(onnxModel, position, 8, entryName); break;
                    case ProtoWireType.Fixed32: position = Advance(onnxModel, position, 4, entryName); break;
                    case ProtoWireType.LengthDelimited:
                    {
                        ulong length = ReadVarint(onnxModel, ref position);
                        if (length > (ulong)(onnxModel.Length - position)) throw Corrupt(entryName, $"a field at byte {start} runs past the end");
                        var value = onnxModel.AsSpan(position, (int)length);
                        position += (int)length;
                        if (field == MetadataPropsField && ReadEntry(value) is { } entry)
                        {
                            if (entry.Key.StartsWith("MLNet.Mlp.", StringComparison.Ordinal) && !entries.TryAdd(entry.Key, entry.Value))
                                throw Corrupt(entryName, $"the key {entry.Key} appears twice");
                            lastKey = entry.Key;
                        }
                        break;
                    }
                    default:
                        throw Corrupt(entryName, $"unknown wire type {(int)wireType} at byte {start}");
                }
                lastFieldStart = start;
            }
        }
        catch (Exception e) when (e is IndexOutOfRangeException or OverflowException or ArgumentException or DecoderFallbackException)
        {
            throw Corrupt(entryName, "it is not a well-formed protobuf message", e);
        }

        if (entries.Count == 0) return null;
        if (lastKey != ChecksumKey || !entries.TryGetValue(ChecksumKey, out string? recorded))
            throw new MlpModelFormatException($"The model zip's entry '{entryName}' is corrupted: it carries MLNet.Mlp metadata but does not end with its {ChecksumKey} checksum.", entryName);
        string actual = Convert.ToHexString(SHA256.HashData(onnxModel.AsSpan(0, lastFieldStart)));
        if (!string.Equals(actual, recorded, StringComparison.Ordinal))
            throw new MlpModelFormatException($"The model zip's entry '{entryName}' is corrupted: the SHA-256 of its ONNX graph and weights is {actual}, but {recorded} was stored with it when it was saved.", entryName);
        if (!entries.TryGetValue(ModelKey, out string? model) || !entries.TryGetValue(FeatureColumnKey, out string? feature) || !entries.TryGetValue(LabelColumnKey, out string? label))
            throw new MlpModelFormatException($"The model zip's entry '{entryName}' lacks one of the keys {ModelKey}, {FeatureColumnKey}, {LabelColumnKey} that its checksum covers; it was not written by this library.", entryName);
        byte[] checkpoint;
        try
        {
            checkpoint = Convert.FromBase64String(model);
        }
        catch (FormatException e)
        {
            throw new MlpModelFormatException($"The model zip's entry '{entryName}' holds a {ModelKey} value that is not base64.", entryName, e);
        }
        return new Contents(checkpoint, feature, label.Length == 0 ? null : label);
    }

    private static void WriteEntry(ProtoWriter writer, string key, string value)
    {
        var entry = new ProtoWriter();
        entry.WriteString(KeyField, key);
        entry.WriteString(ValueField, value);
        writer.WriteBytes(MetadataPropsField, entry.ToArray());
    }

    /// <summary>A <c>StringStringEntryProto</c>; null when it is not one (ONNX allows other producers' entries).</summary>
    private static KeyValuePair<string, string>? ReadEntry(ReadOnlySpan<byte> message)
    {
        string? key = null, value = null;
        int position = 0;
        byte[] bytes = message.ToArray();
        while (position < bytes.Length)
        {
            ulong tag = ReadVarint(bytes, ref position);
            if ((ProtoWireType)(tag & 7) != ProtoWireType.LengthDelimited) return null;
            ulong length = ReadVarint(bytes, ref position);
            if (length > (ulong)(bytes.Length - position)) return null;
            string text = Strict.GetString(bytes, position, (int)length);
            position += (int)length;
            if ((tag >> 3) == KeyField) key = text;
            else if ((tag >> 3) == ValueField) value = text;
        }
        return key is null ? null : new KeyValuePair<string, string>(key, value ?? "");
    }

    private static ulong ReadVarint(byte[] data, ref int position)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = data[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new OverflowException("A varint is longer than 10 bytes.");
    }

    private static int Advance(byte[] data, int position, int count, string entryName)
        => position + count <= data.Length ? position + count : throw Corrupt(entryName, "a fixed-size field runs past the end");

    private static MlpModelFormatException Corrupt(string entryName, string what, Exception? inner = null)
        => new($"The model zip's entry '{entryName}' is not a readable ONNX model: {what}.", entryName, inner);
}
