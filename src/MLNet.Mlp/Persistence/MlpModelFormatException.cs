namespace MLNet.Mlp.Persistence;

/// <summary>
/// A model zip could not be loaded by <c>mlContext.Model.LoadMlp</c>: it is not a readable zip, an entry's bytes do not
/// match the CRC-32 the zip records for them, the ONNX graph of an MLP does not match the SHA-256 stored with it, or
/// ML.NET could not read one of its transforms. <see cref="EntryName"/> names the zip entry at fault when one is known;
/// the inner exception, when present, is the underlying error.
/// </summary>
public sealed class MlpModelFormatException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="entryName">The zip entry at fault, or null.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public MlpModelFormatException(string message, string? entryName = null, Exception? inner = null) : base(message, inner)
    {
        EntryName = entryName;
    }

    /// <summary>The full name of the zip entry at fault (for example <c>TransformerChain/Transform_001/Transform_000/Transform_000/OnnxModel</c>), or null when the zip as a whole is unreadable.</summary>
    public string? EntryName { get; }
}
