namespace MLNet.Mlp.Persistence;

/// <summary>
/// A checkpoint could not be read: it is truncated, corrupted (its checksum does not match), of an unknown format
/// version, or not an MLNet.Mlp checkpoint at all. The message says which.
/// </summary>
public sealed class MlpCheckpointException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public MlpCheckpointException(string message, Exception? inner = null) : base(message, inner) { }
}
