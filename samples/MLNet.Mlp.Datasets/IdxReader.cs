using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace MLNet.Mlp.Datasets;

/// <summary>
/// Reads an IDX file (the format of MNIST and Fashion-MNIST) as a stream: the header first, then
/// the elements in the order they are stored, in as many calls as the caller likes.
/// </summary>
/// <remarks>
/// <para>
/// An IDX file starts with a magic number of four bytes: two zero bytes, the data type
/// (see <see cref="IdxDataType"/>) and the number of dimensions; then one big-endian 32-bit
/// size per dimension; then the elements, big-endian, last dimension varying fastest.
/// </para>
/// <para>
/// The file may be raw or gzip-compressed: the reader looks at its first two bytes (1f 8b is
/// gzip), never at the file name. Problems with the file's content raise an
/// <see cref="InvalidDataException"/> whose message names the file and what is wrong.
/// </para>
/// </remarks>
public sealed class IdxReader : IDisposable
{
    // Decompressed bytes are converted in chunks of this size, so memory use does not grow with the file.
    private const int ChunkBytes = 64 * 1024;

    private readonly Stream _stream;
    private byte[]? _chunk;
    private long _elementsRead;
    private bool _disposed;

    private IdxReader(string path, Stream stream, bool isCompressed, IdxHeader header)
    {
        Path = path;
        _stream = stream;
        IsCompressed = isCompressed;
        Header = header;
    }

    /// <summary>Gets the path of the file being read.</summary>
    public string Path { get; }

    /// <summary>Gets a value indicating whether the file is gzip-compressed.</summary>
    public bool IsCompressed { get; }

    /// <summary>Gets the header of the file.</summary>
    public IdxHeader Header { get; }

    /// <summary>Gets the number of elements read so far.</summary>
    public long ElementsRead => _elementsRead;

    /// <summary>Gets the number of elements not read yet.</summary>
    public long ElementsRemaining => Header.ElementCount - _elementsRead;

    /// <summary>
    /// Opens an IDX file, raw or gzip-compressed, and reads its header.
    /// </summary>
    /// <param name="path">The path of the file.</param>
    /// <returns>A reader positioned at the first element.</returns>
    /// <exception cref="InvalidDataException">
    /// The header is truncated, the magic number is wrong, the data type is not supported, a
    /// dimension is out of range, or (for a raw file) the file is shorter than its header declares.
    /// </exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IdxReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        try
        {
            Span<byte> magic = stackalloc byte[2];
            int n = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            bool gzip = n == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
            file.Position = 0;

            Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: false) : file;
            IdxHeader header = ReadHeader(path, stream);

            // A raw file's length is known up front, so a cut-off file is reported at once.
            if (!gzip && file.Length < header.HeaderSize + header.DataSize)
            {
                throw Error(path, $"truncated: the header declares {header} ({header.HeaderSize + header.DataSize} bytes with the header) but the file has {file.Length} bytes.");
            }

            return new IdxReader(path, stream, gzip, header);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the next <c>destination.Length</c> elements, converted to <see cref="float"/>.
    /// </summary>
    /// <param name="destination">Where to write the elements; its length is the number to read.</param>
    /// <exception cref="ArgumentOutOfRangeException">More elements are asked for than remain.</exception>
    /// <exception cref="InvalidDataException">The file ends before the elements its header declares, or its gzip data is corrupt.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public void ReadSingles(Span<float> destination)
    {
        CheckRead(destination.Length);
        int size = Header.ElementSize;
        byte[] chunk = _chunk ??= ArrayPool<byte>.Shared.Rent(ChunkBytes);
        int perChunk = ChunkBytes / size;
        while (!destination.IsEmpty)
        {
            int count = Math.Min(perChunk, destination.Length);
            Span<byte> bytes = chunk.AsSpan(0, count * size);
            Fill(bytes);
            ConvertToSingles(Header.DataType, bytes, destination[..count]);
            destination = destination[count..];
            _elementsRead += count;
        }
    }

    /// <summary>
    /// Reads the next <c>destination.Length</c> elements as their raw bytes; only for the one-byte
    /// types <see cref="IdxDataType.UnsignedByte"/> and <see cref="IdxDataType.SignedByte"/>.
    /// </summary>
    /// <param name="destination">Where to write the elements; its length is the number to read.</param>
    /// <exception cref="InvalidOperationException">The elements are wider than one byte.</exception>
    /// <exception cref="ArgumentOutOfRangeException">More elements are asked for than remain.</exception>
    /// <exception cref="InvalidDataException">The file ends before the elements its header declares, or its gzip data is corrupt.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public void ReadBytes(Span<byte> destination)
    {
        if (Header.ElementSize != 1)
            throw new InvalidOperationException($"IDX file '{Path}' holds {Header.DataType} elements, not bytes; use {nameof(ReadSingles)}.");
        CheckRead(destination.Length);
        Fill(destination);
        _elementsRead += destination.Length;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _stream.Dispose();
        if (_chunk is not null)
        {
            ArrayPool<byte>.Shared.Return(_chunk);
            _chunk = null;
        }
    }

    private static IdxHeader ReadHeader(string path, Stream stream)
    {
        Span<byte> magic = stackalloc byte[4];
        if (ReadFully(path, stream, magic) < 4)
            throw Error(path, "truncated header: fewer than the 4 bytes of the magic number.");
        if (magic[0] != 0 || magic[1] != 0)
            throw Error(path, $"bad magic number 0x{Convert.ToHexString(magic)}: an IDX file starts with two zero bytes, a data-type byte and a dimension count.");

        var type = (IdxDataType)magic[2];
        if (!Enum.IsDefined(type))
            throw Error(path, $"unsupported data type 0x{magic[2]:X2} in the magic number (supported: 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E).");

        int rank = magic[3];
        if (rank == 0)
            throw Error(path, "the magic number declares 0 dimensions.");

        Span<byte> sizes = stackalloc byte[4 * rank];
        if (ReadFully(path, stream, sizes) < sizes.Length)
            throw Error(path, $"truncated header: {rank} dimension sizes declared but the file ends before them.");

        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(sizes.Slice(4 * i, 4));
            if (d > int.MaxValue)
                throw Error(path, $"dimension {i} is {d}, larger than {int.MaxValue}.");
            dims[i] = (int)d;
        }

        try
        {
            return new IdxHeader(type, dims);
        }
        catch (ArgumentException ex)
        {
            throw Error(path, $"dimensions {string.Join("x", dims)}: {ex.Message}");
        }
    }

    private void CheckRead(int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (count > ElementsRemaining)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"IDX file '{Path}' has only {ElementsRemaining} elements left to read.");
    }

    // Fills the span completely or reports where the data stopped.
    private void Fill(Span<byte> bytes)
    {
        int got = ReadFully(Path, _stream, bytes);
        if (got < bytes.Length)
        {
            long elementsThere = _elementsRead + got / Header.ElementSize;
            throw Error(Path, $"truncated: the header declares {Header} ({Header.ElementCount} elements) but the data ends after {elementsThere} elements.");
        }
    }

    private static int ReadFully(string path, Stream stream, Span<byte> buffer)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException ex)
        {
            // GZipStream's own message does not say which file; add it.
            throw Error(path, $"corrupt gzip data: {ex.Message}", ex);
        }
    }

    private static void ConvertToSingles(IdxDataType type, ReadOnlySpan<byte> src, Span<float> dst)
    {
        switch (type)
        {
            case IdxDataType.UnsignedByte:
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = src[i];
                break;
            case IdxDataType.SignedByte:
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = (sbyte)src[i];
                break;
            case IdxDataType.Int16:
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = BinaryPrimitives.ReadInt16BigEndian(src.Slice(2 * i, 2));
                break;
            case IdxDataType.Int32:
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = BinaryPrimitives.ReadInt32BigEndian(src.Slice(4 * i, 4));
                break;
            case IdxDataType.Single:
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = BinaryPrimitives.ReadSingleBigEndian(src.Slice(4 * i, 4));
                break;
            case IdxDataType.Double:
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = (float)BinaryPrimitives.ReadDoubleBigEndian(src.Slice(8 * i, 8));
                break;
            default:
                throw new InvalidOperationException($"Unhandled IDX data type {type}.");
        }
    }

    private static InvalidDataException Error(string path, string what, Exception? inner = null) =>
        new($"IDX file '{path}': {what}", inner);
}
