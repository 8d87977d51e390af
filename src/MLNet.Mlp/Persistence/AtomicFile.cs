namespace MLNet.Mlp.Persistence;

/// <summary>
/// Writes a file so that readers only ever see the old or the new content: to a temporary file in the same directory
/// (so the rename stays within one file system), flushed to disk, then renamed over the destination. A failure at any
/// point — an exception from the writer, a full disk, a crash — leaves the previous file untouched and no temporary
/// file behind (a crash may leave the hidden temporary, never a partial destination).
/// </summary>
internal static class AtomicFile
{
    /// <summary>Test seam: wraps the temporary file's stream (e.g. to inject an I/O failure midway). Null in production.</summary>
    internal static AsyncLocal<Func<Stream, Stream>?> WrapStreamForTests { get; } = new();

    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        string temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.None))
            {
                var wrap = WrapStreamForTests.Value;
                var target = wrap != null ? wrap(file) : file;
                write(target);
                target.Flush();
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            // Reached with the temporary still present only after a failure.
            try
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
            catch (IOException)
            {
                // The original failure matters more than a leftover hidden temporary.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
