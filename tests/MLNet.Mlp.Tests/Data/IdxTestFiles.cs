using System.Buffers.Binary;
using System.IO.Compression;
using MLNet.Mlp.Datasets;

namespace MLNet.Mlp.Tests.Data;

/// <summary>Writes small IDX files, raw or gzip, into a temporary folder that is deleted on dispose.</summary>
internal sealed class IdxTestFiles : IDisposable
{
    public IdxTestFiles()
    {
        Directory = Path.Combine(Path.GetTempPath(), "mlnet-mlp-idx-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>The bytes of an IDX file: magic number, big-endian dimensions, then the payload.</summary>
    public static byte[] Build(byte dataType, int[] dims, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[4 + 4 * dims.Length + payload.Length];
        bytes[2] = dataType;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        payload.CopyTo(bytes.AsSpan(4 + 4 * dims.Length));
        return bytes;
    }

    /// <summary>Writes the bytes as a file, gzip-compressed if asked, and returns its path.</summary>
    public string Write(string name, byte[] bytes, bool gzip)
    {
        string path = Path.Combine(Directory, name);
        using FileStream file = File.Create(path);
        if (gzip)
        {
            using var z = new GZipStream(file, CompressionLevel.Fastest);
            z.Write(bytes);
        }
        else
        {
            file.Write(bytes);
        }

        return path;
    }

    /// <summary>Writes unsigned-byte images (count x rows x cols) whose pixel k of image i is (i * 7 + k) % 256.</summary>
    public string WriteImages(string name, int count, int rows, int cols, bool gzip)
    {
        var payload = new byte[count * rows * cols];
        for (int i = 0; i < count; i++)
        {
            for (int k = 0; k < rows * cols; k++)
                payload[i * rows * cols + k] = Pixel(i, k);
        }

        return Write(name, Build((byte)IdxDataType.UnsignedByte, [count, rows, cols], payload), gzip);
    }

    /// <summary>Writes unsigned-byte labels i % 10.</summary>
    public string WriteLabels(string name, int count, bool gzip)
    {
        var payload = new byte[count];
        for (int i = 0; i < count; i++)
            payload[i] = (byte)(i % 10);
        return Write(name, Build((byte)IdxDataType.UnsignedByte, [count], payload), gzip);
    }

    public static byte Pixel(int image, int k) => (byte)((image * 7 + k) % 256);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a test over it.
        }
    }
}
