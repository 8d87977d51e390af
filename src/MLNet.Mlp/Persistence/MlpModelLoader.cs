using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Onnx;
using MLNet.Mlp.Tasks;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Persistence;

/// <summary>
/// <c>mlContext.Model.LoadMlp</c>: reads the zip that stock <c>Model.Save</c> wrote and returns the pipeline with each
/// MLP stage as the library's own transformer again.
/// <list type="number">
/// <item>The zip is checked before ML.NET sees it: every entry's bytes against the CRC-32 the zip records for them,
/// and every ONNX entry's seal (<see cref="OnnxModelSeal"/>) against its SHA-256.</item>
/// <item>Stock <c>Model.Load</c> reads the whole pipeline, so every other transform comes back exactly as ML.NET loads it.</item>
/// <item>Each saved MLP stage — what <see cref="MlpModelSaver"/> wrote: ONNX transform, custom mapping, MapValue,
/// DropColumns in nested <c>TransformerChain</c>s that mirror the zip's directories, or the ONNX transform alone for
/// multi-output regression — is found as the innermost chain (or ONNX transform) whose first transform reads a sealed
/// ONNX entry, whose transforms are all of those types, and whose output columns are those of the MLP transformer
/// restored from that seal; it is replaced by that transformer.</item>
/// <item>ONNX transforms left in place (zips saved before the seal existed) are wrapped so that nothing disposes
/// them: <c>PredictionEngine</c> disposes the model it was made from, which would end their ONNX session for every
/// later engine.</item>
/// </list>
/// </summary>
internal static class MlpModelLoader
{
    private const string RootDirectory = "TransformerChain";
    private const string OnnxEntryName = "OnnxModel";

    public static ITransformer Load(ModelOperationsCatalog catalog, Stream stream, out DataViewSchema inputSchema)
    {
        byte[] image;
        using (var buffer = new MemoryStream())
        {
            stream.CopyTo(buffer);
            image = buffer.ToArray();
        }
        var onnxEntries = CheckZip(image);
        ITransformer loaded;
        try
        {
            loaded = catalog.Load(new MemoryStream(image, writable: false), out inputSchema);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The entries passed their CRC and seal checks, yet ML.NET refused them (a zip that was never an ML.NET model,
            // or an entry rewritten with a matching CRC): whatever ML.NET threw, the caller gets the one documented type.
            throw new MlpModelFormatException($"ML.NET could not load the model zip: {e.Message}", null, e);
        }
        try
        {
            return Restore(loaded, RootDirectory, inputSchema, onnxEntries);
        }
        catch (Exception e) when (e is not MlpModelFormatException and not OutOfMemoryException)
        {
            throw new MlpModelFormatException($"The model zip loaded, but its MLP stage could not be restored: {e.Message}", null, e);
        }
    }

    /// <summary>Checks every entry's CRC-32 and every ONNX entry's seal; returns the ONNX entries by full name (null contents: unsealed).</summary>
    private static Dictionary<string, OnnxModelSeal.Contents?> CheckZip(byte[] image)
    {
        var onnx = new Dictionary<string, OnnxModelSeal.Contents?>(StringComparer.Ordinal);
        string? current = null;
        try
        {
            using var zip = new ZipArchive(new MemoryStream(image, writable: false), ZipArchiveMode.Read);
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/')) continue;
                current = entry.FullName;
                byte[] bytes;
                using (var content = entry.Open())
                using (var buffer = new MemoryStream())
                {
                    content.CopyTo(buffer);
                    bytes = buffer.ToArray();
                }
                uint crc = Crc32.Of(bytes);
                if (crc != entry.Crc32)
                    throw new MlpModelFormatException($"The model zip's entry '{entry.FullName}' is corrupted: its CRC-32 is {crc:X8}, the zip records {entry.Crc32:X8}.", entry.FullName);
                if (entry.Name == OnnxEntryName)
                    onnx[entry.FullName] = OnnxModelSeal.Open(OnnxBytes(bytes, entry.FullName), entry.FullName);
            }
        }
        catch (Exception e) when (e is not MlpModelFormatException and not OutOfMemoryException)
        {
            // ZipArchive reports a damaged directory or entry with several exception types (InvalidDataException,
            // IOException, ArgumentException...); the caller gets the one documented type, naming the entry being read.
            throw current is null
                ? new MlpModelFormatException($"Not a readable model zip: {e.Message}", null, e)
                : new MlpModelFormatException($"The model zip's entry '{current}' cannot be read: {e.Message}", current, e);
        }
        return onnx;
    }

    /// <summary>OnnxTransformer stores the ONNX model as an int32 byte count (little-endian) followed by that many bytes.</summary>
    private static byte[] OnnxBytes(byte[] entry, string entryName)
    {
        if (entry.Length < 4 || BinaryPrimitives.ReadInt32LittleEndian(entry) != entry.Length - 4)
            throw new MlpModelFormatException($"The model zip's entry '{entryName}' is corrupted: its length prefix does not match its {entry.Length} bytes.", entryName);
        return entry[4..];
    }

    /// <summary>Returns <paramref name="node"/>, saved under <paramref name="directory"/>, with its MLP stages restored.</summary>
    private static ITransformer Restore(ITransformer node, string directory, DataViewSchema input, Dictionary<string, OnnxModelSeal.Contents?> onnx)
    {
        if (node is OnnxTransformer leaf)
        {
            // A multi-output regression MLP is saved as the ONNX transform alone (its Score comes out of ONNX final).
            if (TryRestoreMlp(leaf, directory, input, onnx) is { } restored)
            {
                leaf.Dispose();
                return restored;
            }
            return new UndisposedOnnxTransformer(leaf);
        }
        if (!IsChain(node, out var chain))
            return node;
        // Innermost first: the saved MLP stage is the smallest chain holding its ONNX transform whose output columns are
        // the MLP's (the chains inside it still show the temporary ONNX columns), so a user's transform after the MLP
        // that happens to leave the same columns (an in-place normalizer) is never swallowed by the replacement.
        var children = new ITransformer[chain.Count];
        bool changed = false;
        var schema = input;
        for (int i = 0; i < chain.Count; i++)
        {
            children[i] = Restore(chain[i], ChildDirectory(directory, i), schema, onnx);
            changed |= !ReferenceEquals(children[i], chain[i]);
            schema = chain[i].GetOutputSchema(schema);
        }
        if (!children.Any(ContainsMlp) && TryRestoreMlp(node, directory, input, onnx) is { } mlp)
        {
            // The replaced chain's ONNX session is no longer needed.
            (node as IDisposable)?.Dispose();
            return mlp;
        }
        return changed ? new TransformerChain<ITransformer>(children) : node;
    }

    private static bool ContainsMlp(ITransformer node)
        => node is MlpPredictionTransformer || (IsChain(node, out var chain) && chain.Any(ContainsMlp));

    /// <summary>The transform types <see cref="OnnxBackedTransformerFactory"/> builds an MLP stage from.</summary>
    private static bool IsSavedMlpPart(ITransformer leaf) => leaf switch
    {
        OnnxTransformer or ColumnSelectingTransformer or ValueMappingTransformer => true,
        _ => leaf.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(CustomMappingTransformer<,>)
            && type.GetGenericArguments()[0].Assembly == typeof(MlpModelLoader).Assembly,
    };

    private static IEnumerable<ITransformer> Leaves(ITransformer node)
        => IsChain(node, out var chain) ? chain.SelectMany(Leaves) : [node];

    /// <summary>The MLP transformer <paramref name="node"/> (a chain, or the ONNX transform itself) was saved from, or null when it is not such a stage.</summary>
    private static MlpPredictionTransformer? TryRestoreMlp(ITransformer node, string directory, DataViewSchema input,
        Dictionary<string, OnnxModelSeal.Contents?> onnx)
    {
        // The first transform, through nested chains, must be an ONNX transform reading a sealed entry.
        ITransformer? first = node;
        string firstDirectory = directory;
        while (first != null && IsChain(first, out var inner))
        {
            first = inner.Count > 0 ? inner[0] : null;
            firstDirectory = ChildDirectory(firstDirectory, 0);
        }
        if (first is not OnnxTransformer || !onnx.TryGetValue(firstDirectory + "/" + OnnxEntryName, out var contents) || contents is null
            || !Leaves(node).All(IsSavedMlpPart))
            return null;

        MlpModelParameters model;
        try
        {
            model = MlpCheckpointFormat.Deserialize(contents.Checkpoint, resolveActivation: null);
        }
        catch (MlpCheckpointException e)
        {
            string entry = firstDirectory + "/" + OnnxEntryName;
            throw new MlpModelFormatException($"The model zip's entry '{entry}' carries an unreadable MLP model: {e.Message}", entry, e);
        }
        MlpPredictionTransformer mlp = MlpTaskHead.For(model.Task).CreateTransformer(model, input, contents.FeatureColumnName, contents.LabelColumnName);
        // A chain that starts with the MLP's ONNX transform but holds more (a user's transforms after it) is not the
        // saved stage: only the chain whose output columns are the MLP's is replaced.
        return SameVisibleColumns(node.GetOutputSchema(input), mlp.GetOutputSchema(input)) ? mlp : null;
    }

    private static bool SameVisibleColumns(DataViewSchema a, DataViewSchema b)
    {
        var left = a.Where(c => !c.IsHidden).ToDictionary(c => c.Name, c => c.Type);
        var right = b.Where(c => !c.IsHidden).ToDictionary(c => c.Name, c => c.Type);
        return left.Count == right.Count && left.All(kv => right.TryGetValue(kv.Key, out var type) && type.Equals(kv.Value));
    }

    private static bool IsChain(ITransformer node, out IReadOnlyList<ITransformer> chain)
    {
        if (node.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(TransformerChain<>))
        {
            chain = ((IEnumerable<ITransformer>)node).ToArray();
            return true;
        }
        chain = [];
        return false;
    }

    /// <summary>Where <c>TransformerChain</c> saves its i-th transform (ML.NET's "Transform_{0:000}" template).</summary>
    private static string ChildDirectory(string directory, int index) => $"{directory}/Transform_{index:000}";

    /// <summary>CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum zip entries record.</summary>
    private static class Crc32
    {
        private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
        {
            uint c = (uint)n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            return c;
        }).ToArray();

        public static uint Of(ReadOnlySpan<byte> data)
        {
            uint crc = 0xFFFFFFFFu;
            foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return ~crc;
        }
    }
}

/// <summary>
/// An ONNX transform that nothing can dispose: <c>PredictionEngine</c> disposes the model it was made from (unless
/// told otherwise), and a disposed <c>OnnxTransformer</c> has no session left for the next engine. Saving writes the
/// wrapped transform unchanged; its session is released when the wrapper is collected.
/// </summary>
internal sealed class UndisposedOnnxTransformer(OnnxTransformer inner) : ITransformer
{
    public bool IsRowToRowMapper => ((ITransformer)inner).IsRowToRowMapper;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => ((ITransformer)inner).GetOutputSchema(inputSchema);

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => ((ITransformer)inner).GetRowToRowMapper(inputSchema);

    public IDataView Transform(IDataView input) => ((ITransformer)inner).Transform(input);

    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)inner).Save(ctx);
}
