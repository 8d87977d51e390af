using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.ML;
using MLNet.Mlp.Persistence;
using MLNet.Mlp.Tests.Trainers;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Robustness;

/// <summary>
/// Property-style: whatever happens to the bytes of a valid checkpoint — flipped bytes, truncation, a wrong version, a
/// foreign file — <see cref="MlpModelParameters.Load(Stream, Func{string, float, Activations.IActivation?}?)"/> raises
/// <see cref="MlpCheckpointException"/> (never another type, never a hang, never a model with non-finite weights).
/// </summary>
public class CheckpointCorruptionTests
{
    private const int Seeds = 250;
    private static readonly Lazy<byte[]> Valid = new(CreateCheckpoint);

    /// <summary>A small model that fills every section: batch norm state, dropout, text class values, Adam state, history.</summary>
    private static byte[] CreateCheckpoint()
    {
        var ml = new MLContext(seed: 1);
        var raw = SyntheticData.IrisWithStringLabels(ml);
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(raw).Transform(raw);
        var model = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions
        {
            HiddenLayers = [6], NumberOfEpochs = 2, BatchNormalization = true, DropoutRate = 0.1f, Seed = 1,
        }).Fit(data).Model;
        using var stream = new MemoryStream();
        model.Save(stream);
        return stream.ToArray();
    }

    private static Exception? LoadError(byte[] bytes)
    {
        try
        {
            var model = MlpModelParameters.Load(new MemoryStream(bytes));
            Assert.All(ModelWeights.Of(model), w => Assert.True(float.IsFinite(w)));
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    [Fact]
    public void TheUncorruptedCheckpointLoads()
    {
        Assert.Null(LoadError(Valid.Value));
    }

    [Fact]
    public void FlippedBytesAlwaysRaiseMlpCheckpointException()
    {
        var clock = Stopwatch.StartNew();
        for (int seed = 0; seed < Seeds; seed++)
        {
            var random = new Random(seed);
            var bytes = (byte[])Valid.Value.Clone();
            int flips = 1 + random.Next(4);
            var positions = new List<int>();
            for (int i = 0; i < flips; i++)
            {
                // Half the flips in the 20-byte header, where each field has its own check; the rest anywhere.
                int at = random.Next(2) == 0 ? random.Next(20) : random.Next(bytes.Length);
                bytes[at] ^= (byte)(1 + random.Next(255));
                positions.Add(at);
            }
            var e = LoadError(bytes);
            Assert.True(e is MlpCheckpointException, $"seed {seed}, flipped bytes at {string.Join(", ", positions)}: {e?.GetType().Name ?? "loaded"}: {e?.Message}");
        }
        // A hang guard, not a speed target: a corrupt length must never make the reader spin or wait.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"{Seeds} loads took {clock.Elapsed}");
    }

    [Fact]
    public void TruncatedFilesAlwaysRaiseMlpCheckpointException()
    {
        var valid = Valid.Value;
        for (int seed = 0; seed < Seeds; seed++)
        {
            var random = new Random(seed);
            // Short lengths (inside the header) are as interesting as long ones.
            int length = seed % 5 == 0 ? random.Next(64) : random.Next(valid.Length);
            var e = LoadError(valid.AsSpan(0, length).ToArray());
            Assert.True(e is MlpCheckpointException, $"seed {seed}, truncated to {length} of {valid.Length} bytes: {e?.GetType().Name ?? "loaded"}: {e?.Message}");
        }
        var appended = LoadError([.. valid, 0]);
        Assert.IsType<MlpCheckpointException>(appended);
    }

    [Fact]
    public void PayloadsCorruptedBehindAValidChecksumRaiseMlpCheckpointExceptionOrLoadAFiniteModel()
    {
        // The checksum stops accidental damage; these payloads are rewritten with a matching checksum, so the parser
        // itself must refuse impossible fields (layer widths, counts, kinds, non-finite weights) with the same type.
        var valid = Valid.Value;
        int payloadLength = valid.Length - 20 - 32;
        int refused = 0;
        var clock = Stopwatch.StartNew();
        for (int seed = 0; seed < Seeds; seed++)
        {
            var random = new Random(seed);
            var bytes = (byte[])valid.Clone();
            int flips = 1 + random.Next(3);
            for (int i = 0; i < flips; i++)
            {
                // Bias towards the front, where the architecture and counts live.
                int at = 20 + (random.Next(2) == 0 ? random.Next(Math.Min(200, payloadLength)) : random.Next(payloadLength));
                bytes[at] = random.Next(3) switch { 0 => 0xFF, 1 => 0x7F, _ => (byte)random.Next(256) };
            }
            SHA256.HashData(bytes.AsSpan(20, payloadLength)).CopyTo(bytes, 20 + payloadLength);
            var e = LoadError(bytes);
            Assert.True(e is null or MlpCheckpointException, $"seed {seed}: {e?.GetType().Name}: {e?.Message}");
            if (e != null) refused++;
        }
        Assert.True(refused > Seeds / 4, $"only {refused} of {Seeds} corrupted payloads were refused");
        // A hang guard, not a speed target: a corrupt length must never make the reader spin or wait.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"{Seeds} loads took {clock.Elapsed}");
    }

    [Fact]
    public void CraftedPayloadsWithHugeLayersOrNonFiniteWeightsRaiseMlpCheckpointExceptionWithoutAllocatingThem()
    {
        // Payload layout: task byte at 20, input size at 21, layer count at 25, first layer kind at 29, its units at 30.
        var valid = Valid.Value;
        Assert.Equal(1, valid[29]);
        foreach (int units in new[] { int.MaxValue, 1 << 28, 100_000 })
        {
            var huge = (byte[])valid.Clone();
            BitConverter.GetBytes(units).CopyTo(huge, 30);
            var e = Assert.IsType<MlpCheckpointException>(LoadError(Resealed(huge)));
            Assert.Contains($"dense layer of {units} units", e.Message, StringComparison.Ordinal);
        }
        var wide = (byte[])valid.Clone();
        BitConverter.GetBytes(int.MaxValue).CopyTo(wide, 21);
        Assert.IsType<MlpCheckpointException>(LoadError(Resealed(wide)));

        // A NaN weight behind a valid checksum would load as a model that answers NaN.
        var model = MlpModelParameters.Load(new MemoryStream(valid));
        var firstWeight = BitConverter.GetBytes(((MLNet.Mlp.Layers.DenseLayer)model.Layers[0]).Weights.Span[0]);
        int at = valid.AsSpan(20).IndexOf(firstWeight) + 20;
        var nan = (byte[])valid.Clone();
        BitConverter.GetBytes(float.NaN).CopyTo(nan, at);
        var n = Assert.IsType<MlpCheckpointException>(LoadError(Resealed(nan)));
        Assert.Contains("parameter 0 is NaN", n.Message, StringComparison.Ordinal);

        // A string length prefix made impossible (the first initializer name follows the activation).
        var badString = (byte[])valid.Clone();
        badString[34] = 0xFF;
        Assert.IsType<MlpCheckpointException>(LoadError(Resealed(badString)));
    }

    private static byte[] Resealed(byte[] image)
    {
        int payloadLength = image.Length - 20 - 32;
        SHA256.HashData(image.AsSpan(20, payloadLength)).CopyTo(image, 20 + payloadLength);
        return image;
    }

    [Fact]
    public void WrongVersionForeignAndEmptyFilesRaiseMlpCheckpointExceptionSayingWhich()
    {
        var wrongVersion = (byte[])Valid.Value.Clone();
        BitConverter.GetBytes(3).CopyTo(wrongVersion, 8);
        Assert.Contains("Unsupported checkpoint version 3; this library reads versions 1 to 2", LoadError(wrongVersion)!.Message, StringComparison.Ordinal);

        var zip = new byte[] { 0x50, 0x4B, 0x03, 0x04 }.Concat(new byte[200]).ToArray();
        foreach (var foreign in new[] { zip, "hello, world"u8.ToArray(), [] })
        {
            var e = Assert.IsType<MlpCheckpointException>(LoadError(foreign));
            Assert.Contains("Not an MLNet.Mlp checkpoint", e.Message, StringComparison.Ordinal);
        }

        var corrupted = (byte[])Valid.Value.Clone();
        corrupted[^40] ^= 0x01;
        Assert.Contains("checksum does not match", LoadError(corrupted)!.Message, StringComparison.Ordinal);

        // The same type from a file path.
        using var file = new TempFile(".mlp");
        File.WriteAllBytes(file.Path, Valid.Value.AsSpan(0, 100).ToArray());
        Assert.Throws<MlpCheckpointException>(() => MlpModelParameters.Load(file.Path));
    }
}
