using System.Buffers.Binary;
using MLNet.Mlp.Datasets;

namespace MLNet.Mlp.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly IdxTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsUnsignedBytesRawAndGzip(bool gzip)
    {
        string path = _files.WriteImages("images.idx", count: 5, rows: 3, cols: 4, gzip);

        using IdxReader reader = IdxReader.Open(path);

        Assert.Equal(gzip, reader.IsCompressed);
        Assert.Equal(IdxDataType.UnsignedByte, reader.Header.DataType);
        Assert.Equal([5, 3, 4], reader.Header.Dimensions);
        Assert.Equal(5, reader.Header.ItemCount);
        Assert.Equal(12, reader.Header.ItemElementCount);
        Assert.Equal(60, reader.Header.ElementCount);
        Assert.Equal(16, reader.Header.HeaderSize);
        var values = new float[60];
        reader.ReadSingles(values);
        for (int i = 0; i < 5; i++)
        {
            for (int k = 0; k < 12; k++)
                Assert.Equal(IdxTestFiles.Pixel(i, k), values[i * 12 + k]);
        }

        Assert.Equal(0, reader.ElementsRemaining);
    }

    [Fact]
    public void DetectsGzipByContentNotByExtension()
    {
        byte[] idx = IdxTestFiles.Build(0x08, [3], [7, 8, 9]);
        string gzipNamedRaw = _files.Write("labels.idx", idx, gzip: true);
        string rawNamedGzip = _files.Write("labels.gz", idx, gzip: false);

        using (IdxReader r = IdxReader.Open(gzipNamedRaw))
        {
            Assert.True(r.IsCompressed);
            var b = new byte[3];
            r.ReadBytes(b);
            Assert.Equal([7, 8, 9], b);
        }

        using (IdxReader r = IdxReader.Open(rawNamedGzip))
        {
            Assert.False(r.IsCompressed);
            var b = new byte[3];
            r.ReadBytes(b);
            Assert.Equal([7, 8, 9], b);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StreamsInSeveralReads(bool gzip)
    {
        // More than one internal 64 KiB chunk, read in uneven pieces.
        const int count = 100_000;
        var payload = new byte[count];
        for (int i = 0; i < count; i++)
            payload[i] = (byte)(i * 31);
        string path = _files.Write("big.idx", IdxTestFiles.Build(0x08, [count], payload), gzip);

        using IdxReader reader = IdxReader.Open(path);
        var all = new float[count];
        int done = 0;
        foreach (int piece in new[] { 1, 65_535, 3, 20_000, count - 85_539 })
        {
            reader.ReadSingles(all.AsSpan(done, piece));
            done += piece;
            Assert.Equal(done, reader.ElementsRead);
        }

        for (int i = 0; i < count; i++)
            Assert.Equal(payload[i], all[i]);
    }

    [Fact]
    public void ReadsSignedByte() => AssertValues(0x09, [0x80, 0xFF, 0x00, 0x7F], [-128f, -1f, 0f, 127f]);

    [Fact]
    public void ReadsInt16BigEndian()
    {
        var p = new byte[6];
        BinaryPrimitives.WriteInt16BigEndian(p.AsSpan(0), -300);
        BinaryPrimitives.WriteInt16BigEndian(p.AsSpan(2), 1);
        BinaryPrimitives.WriteInt16BigEndian(p.AsSpan(4), short.MaxValue);
        AssertValues(0x0B, p, [-300f, 1f, short.MaxValue]);
    }

    [Fact]
    public void ReadsInt32BigEndian()
    {
        var p = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(p.AsSpan(0), -70_000);
        BinaryPrimitives.WriteInt32BigEndian(p.AsSpan(4), 16_777_216);
        AssertValues(0x0C, p, [-70_000f, 16_777_216f]);
    }

    [Fact]
    public void ReadsSingleBigEndian()
    {
        var p = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(p.AsSpan(0), 3.25f);
        BinaryPrimitives.WriteSingleBigEndian(p.AsSpan(4), -0.5f);
        AssertValues(0x0D, p, [3.25f, -0.5f]);
    }

    [Fact]
    public void ReadsDoubleBigEndian()
    {
        var p = new byte[16];
        BinaryPrimitives.WriteDoubleBigEndian(p.AsSpan(0), 1.5);
        BinaryPrimitives.WriteDoubleBigEndian(p.AsSpan(8), -1e10);
        AssertValues(0x0E, p, [1.5f, -1e10f]);
    }

    [Fact]
    public void ReadBytesRefusesWideElements()
    {
        string path = _files.Write("i32.idx", IdxTestFiles.Build(0x0C, [1], new byte[4]), gzip: false);
        using IdxReader reader = IdxReader.Open(path);
        Assert.Throws<InvalidOperationException>(() => reader.ReadBytes(new byte[1]));
    }

    [Fact]
    public void ReadingPastTheDeclaredCountThrows()
    {
        string path = _files.Write("three.idx", IdxTestFiles.Build(0x08, [3], [1, 2, 3]), gzip: false);
        using IdxReader reader = IdxReader.Open(path);
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadSingles(new float[4]));
    }

    [Fact]
    public void ReadAfterDisposeThrows()
    {
        string path = _files.Write("three.idx", IdxTestFiles.Build(0x08, [3], [1, 2, 3]), gzip: false);
        IdxReader reader = IdxReader.Open(path);
        reader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => reader.ReadSingles(new float[1]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BadMagicNumberThrows(bool gzip)
    {
        byte[] bytes = IdxTestFiles.Build(0x08, [2], [1, 2]);
        bytes[0] = 0x12;
        string path = _files.Write("bad-magic.idx", bytes, gzip);

        AssertInvalid(path, "bad magic number");
    }

    [Fact]
    public void TextFileIsBadMagic()
    {
        string path = Path.Combine(_files.Directory, "not-idx.gz");
        File.WriteAllText(path, "hello, world");
        AssertInvalid(path, "bad magic number");
    }

    [Fact]
    public void UnsupportedDataTypeThrows()
    {
        string path = _files.Write("type07.idx", IdxTestFiles.Build(0x07, [2], [1, 2]), gzip: false);
        AssertInvalid(path, "unsupported data type 0x07");
    }

    [Fact]
    public void ZeroDimensionsThrows()
    {
        string path = _files.Write("rank0.idx", [0, 0, 8, 0], gzip: false);
        AssertInvalid(path, "0 dimensions");
    }

    [Fact]
    public void HugeDimensionThrows()
    {
        byte[] bytes = IdxTestFiles.Build(0x08, [1], [0]);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), uint.MaxValue);
        string path = _files.Write("huge.idx", bytes, gzip: false);
        AssertInvalid(path, "larger than");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedMagicThrows(bool gzip)
    {
        string path = _files.Write("short.idx", [0, 0, 8], gzip);
        AssertInvalid(path, "truncated header");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedDimensionsThrows(bool gzip)
    {
        byte[] full = IdxTestFiles.Build(0x08, [2, 28, 28], []);
        string path = _files.Write("cut-dims.idx", full[..10], gzip);
        AssertInvalid(path, "truncated header");
    }

    [Fact]
    public void TruncatedRawDataThrowsOnOpen()
    {
        byte[] full = IdxTestFiles.Build(0x08, [4, 2, 2], new byte[16]);
        string path = _files.Write("cut.idx", full[..^3], gzip: false);
        AssertInvalid(path, "truncated");
    }

    [Fact]
    public void TruncatedGzipDataThrowsOnRead()
    {
        // Gzip hides the length, so the cut shows when the reader runs out of data.
        byte[] full = IdxTestFiles.Build(0x08, [4, 2, 2], new byte[16]);
        string path = _files.Write("cut.idx.gz", full[..^3], gzip: true);

        using IdxReader reader = IdxReader.Open(path);
        var ex = Assert.Throws<InvalidDataException>(() => reader.ReadSingles(new float[16]));
        Assert.Contains(path, ex.Message);
        Assert.Contains("truncated", ex.Message);
        Assert.Contains("13 elements", ex.Message);
    }

    [Fact]
    public void CutGzipStreamThrows()
    {
        // A gzip file cut in the middle of its compressed data (not just a short IDX payload).
        var payload = new byte[50_000];
        new Random(1).NextBytes(payload);
        string whole = _files.Write("whole.gz", IdxTestFiles.Build(0x08, [50_000], payload), gzip: true);
        byte[] gz = File.ReadAllBytes(whole);
        string path = Path.Combine(_files.Directory, "cut-stream.gz");
        File.WriteAllBytes(path, gz[..(gz.Length / 2)]);

        using IdxReader reader = IdxReader.Open(path);
        var ex = Assert.Throws<InvalidDataException>(() => reader.ReadSingles(new float[50_000]));
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void CorruptGzipThrowsNamingTheFile()
    {
        var payload = new byte[50_000];
        new Random(2).NextBytes(payload);
        string whole = _files.Write("whole2.gz", IdxTestFiles.Build(0x08, [50_000], payload), gzip: true);
        byte[] gz = File.ReadAllBytes(whole);
        for (int i = 20; i < gz.Length - 8; i += 97)
            gz[i] ^= 0x5A;
        string path = Path.Combine(_files.Directory, "corrupt.gz");
        File.WriteAllBytes(path, gz);

        var ex = Assert.Throws<InvalidDataException>(() =>
        {
            using IdxReader reader = IdxReader.Open(path);
            reader.ReadSingles(new float[50_000]);
        });
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void MissingFileThrowsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => IdxReader.Open(Path.Combine(_files.Directory, "nope.idx")));

    private void AssertValues(byte type, byte[] payload, float[] expected)
    {
        foreach (bool gzip in new[] { false, true })
        {
            string path = _files.Write($"t{type:X2}-{gzip}.idx", IdxTestFiles.Build(type, [expected.Length], payload), gzip);
            using IdxReader reader = IdxReader.Open(path);
            Assert.Equal((IdxDataType)type, reader.Header.DataType);
            var values = new float[expected.Length];
            reader.ReadSingles(values);
            Assert.Equal(expected, values);
        }
    }

    private static void AssertInvalid(string path, string what)
    {
        var ex = Assert.Throws<InvalidDataException>(() => IdxReader.Open(path).Dispose());
        Assert.Contains(path, ex.Message);
        Assert.Contains(what, ex.Message);
    }
}
