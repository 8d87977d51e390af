using Microsoft.ML;
using MLNet.Mlp.Persistence;
using MLNet.Mlp.Tests.Trainers;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Robustness;

/// <summary>
/// <see cref="MlpModelParameters.Save(string)"/> writes a temporary file, flushes it and renames it over the destination:
/// an I/O failure at any point of the write leaves the previous checkpoint intact and no temporary file behind.
/// </summary>
public class AtomicCheckpointSaveTests
{
    /// <summary>Passes writes through until <c>failAfter</c> bytes, then throws as a full disk would.</summary>
    private sealed class FailingStream(Stream inner, long failAfter) : Stream
    {
        private long _written;

        public override bool CanRead => false;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => inner.SetLength(value);

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            long room = failAfter - _written;
            if (room < buffer.Length)
            {
                if (room > 0) inner.Write(buffer[..(int)room]);
                _written = failAfter;
                throw new IOException("No space left on device (injected).");
            }
            inner.Write(buffer);
            _written += buffer.Length;
        }
    }

    private static (MlpModelParameters First, MlpModelParameters Second) TwoModels()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.TwoTargets(40, seed: 1));
        var first = ml.Regression.Trainers.Mlp(new MlpRegressionOptions { HiddenLayers = [5], NumberOfEpochs = 1 }).Fit(data).Model;
        var second = ml.Regression.Trainers.Mlp(new MlpRegressionOptions { HiddenLayers = [5], NumberOfEpochs = 3 }).Fit(data).Model;
        return (first, second);
    }

    [Fact]
    public void AFailureAnywhereInTheWriteLeavesThePreviousCheckpointIntactAndNoTemporaryFile()
    {
        var (first, second) = TwoModels();
        string directory = Directory.CreateTempSubdirectory("mlnet-mlp-atomic-").FullName;
        try
        {
            string path = Path.Combine(directory, "model.mlp");
            first.Save(path);
            var previous = File.ReadAllBytes(path);
            using var image = new MemoryStream();
            second.Save(image);
            long size = image.Length;

            foreach (long failAfter in new long[] { 0, 1, 19, 20, size / 2, size - 1 })
            {
                AtomicFile.WrapStreamForTests.Value = s => new FailingStream(s, failAfter);
                try
                {
                    Assert.Throws<IOException>(() => second.Save(path));
                }
                finally
                {
                    AtomicFile.WrapStreamForTests.Value = null;
                }
                Assert.Equal(previous, File.ReadAllBytes(path));
                Assert.Equal(["model.mlp"], Directory.GetFiles(directory).Select(Path.GetFileName));
                ModelWeights.AssertIdentical(first, MlpModelParameters.Load(path));
            }

            // Without a failure the new checkpoint replaces the old one completely.
            second.Save(path);
            ModelWeights.AssertIdentical(second, MlpModelParameters.Load(path));
            Assert.Equal(["model.mlp"], Directory.GetFiles(directory).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AFailureWhenNoCheckpointExistedLeavesNoFile()
    {
        var (first, _) = TwoModels();
        string directory = Directory.CreateTempSubdirectory("mlnet-mlp-atomic-").FullName;
        try
        {
            string path = Path.Combine(directory, "model.mlp");
            AtomicFile.WrapStreamForTests.Value = s => new FailingStream(s, 100);
            try
            {
                Assert.Throws<IOException>(() => first.Save(path));
            }
            finally
            {
                AtomicFile.WrapStreamForTests.Value = null;
            }
            Assert.Empty(Directory.GetFiles(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
