using System.Buffers.Binary;

namespace MLNet.Mlp.Tests.Samples;

/// <summary>A temporary output folder for a sample's PNG files, and the checks every written chart must pass.</summary>
internal sealed class SampleOutput : IDisposable
{
    public SampleOutput() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"mlnet-mlp-samples-{Guid.NewGuid():N}");

    /// <summary>Asserts that <paramref name="file"/> is in the folder and is a real, non-trivial PNG of the samples' chart size.</summary>
    public void AssertChart(string file, string expectedName)
    {
        Assert.Equal(System.IO.Path.Combine(Path, expectedName), file);
        AssertPng(file, MLNet.Mlp.Samples.Plots.Width, MLNet.Mlp.Samples.Plots.Height);
    }

    /// <summary>PNG signature, an IHDR chunk with the expected size, and more than a few KB (axes, labels, lines).</summary>
    public static void AssertPng(string file, int width, int height)
    {
        Assert.True(File.Exists(file), $"{file} was not written");
        byte[] bytes = File.ReadAllBytes(file);
        Assert.True(bytes.Length > 8 * 1024, $"{file} is only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
        Assert.Equal("IEND", System.Text.Encoding.ASCII.GetString(bytes, bytes.Length - 8, 4));
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
