using System.Diagnostics;
using System.IO.Compression;
using Microsoft.ML;
using MLNet.Mlp.Persistence;
using MLNet.Mlp.Tests.Compatibility;
using MLNet.Mlp.Tests.Persistence;
using MLNet.Mlp.Tests.Trainers;
using MLNet.Mlp.Trainers;
using Xunit.Abstractions;

namespace MLNet.Mlp.Tests.Robustness;

/// <summary>
/// Seeded mutations (byte flips, truncations, inserted bytes, zero runs) of a saved model zip and of a checkpoint: the
/// loaders must either refuse them with their documented exception (<see cref="MlpModelFormatException"/> for
/// <c>Model.LoadMlp</c>, <see cref="MlpCheckpointException"/> for <see cref="MlpModelParameters.Load(Stream, Func{string, float, Activations.IActivation?}?)"/>)
/// or load a model that predicts exactly as the original; never another exception, a crash or a hang. Mutation i uses
/// <c>new Random(Seed + i)</c>, so a failure names what to replay.
/// </summary>
public class ModelFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20_261_206;
    private const int ZipMutations = 1_000;
    private const int OnnxEntryMutations = 300;
    private const int CheckpointMutations = 1_000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    private enum Mutation
    {
        Flip,
        Truncate,
        Insert,
        ZeroRun,
    }

    private static (MLContext Ml, ITransformer Model, IDataView Data) SmallPipeline()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.SignalAndNoise(40, seed: 3));
        var model = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [4], BatchNormalization = true, NumberOfEpochs = 2, Seed = 5 }))
            .Fit(data);
        return (ml, model, data);
    }

    private static byte[] Mutate(byte[] original, int index, out string description)
    {
        var random = new Random(Seed + index);
        var kind = (Mutation)(index % 4);
        int at = random.Next(original.Length);
        byte[] result;
        switch (kind)
        {
            case Mutation.Flip:
                result = (byte[])original.Clone();
                byte mask = (byte)random.Next(1, 256);
                result[at] ^= mask;
                description = $"mutation {index}: byte {at} xor 0x{mask:X2}";
                break;
            case Mutation.Truncate:
                result = original[..at];
                description = $"mutation {index}: truncated to {at} bytes";
                break;
            case Mutation.Insert:
                var inserted = new byte[random.Next(1, 17)];
                random.NextBytes(inserted);
                result = [.. original[..at], .. inserted, .. original[at..]];
                description = $"mutation {index}: {inserted.Length} random bytes inserted at {at}";
                break;
            default:
                int length = Math.Min(random.Next(1, 33), original.Length - at);
                result = (byte[])original.Clone();
                Array.Clear(result, at, length);
                description = $"mutation {index}: {length} bytes zeroed from {at}";
                break;
        }
        return result;
    }

    /// <summary>Runs <paramref name="body"/> on a worker thread and fails the test if it does not finish within <see cref="Budget"/>.</summary>
    private static void WithinBudget(Action body)
    {
        var run = Task.Run(body);
        Assert.True(run.Wait(Budget), $"The fuzz run did not finish within {Budget.TotalSeconds} s: a mutation made a loader hang.");
    }

    [Fact]
    public void MutatedModelZipsAreRefusedWithMlpModelFormatExceptionOrLoadAndPredictExactlyAsTheOriginal()
    {
        var (ml, model, data) = SmallPipeline();
        using var saved = new MemoryStream();
        ml.Model.Save(model, data.Schema, saved);
        var original = saved.ToArray();
        var expected = GoldenOutputs.Values(ml.Model.LoadMlp(new MemoryStream(original), out _).Transform(data));
        Assert.Equal(GoldenOutputs.Values(model.Transform(data)), expected);

        int refused = 0, loaded = 0;
        var clock = Stopwatch.StartNew();
        WithinBudget(() =>
        {
            for (int i = 0; i < ZipMutations; i++)
            {
                var mutated = Mutate(original, i, out string description);
                if (Check(ml, mutated, data, expected, description)) loaded++;
                else refused++;
            }
        });
        output.WriteLine($"{ZipMutations} zip mutations in {clock.Elapsed.TotalSeconds:F1} s: {refused} refused, {loaded} loaded and predicted exactly as the original.");
        Assert.Equal(ZipMutations, refused + loaded);
        Assert.True(refused > ZipMutations / 2, $"Only {refused} of {ZipMutations} mutations were refused: the mutations do not reach the zip's contents.");
    }

    [Fact]
    public void MutatedOnnxEntriesInAnOtherwiseValidZipAreAllRefusedNamingTheEntry()
    {
        var (ml, model, data) = SmallPipeline();
        using var saved = new MemoryStream();
        ml.Model.Save(model, data.Schema, saved);
        var original = saved.ToArray();
        string onnxEntry;
        byte[] onnx;
        using (var zip = new ZipArchive(new MemoryStream(original), ZipArchiveMode.Read))
        {
            var entry = zip.Entries.Single(e => e.Name == "OnnxModel");
            onnxEntry = entry.FullName;
            using var read = entry.Open();
            using var buffer = new MemoryStream();
            read.CopyTo(buffer);
            onnx = buffer.ToArray();
        }

        var clock = Stopwatch.StartNew();
        WithinBudget(() =>
        {
            for (int i = 0; i < OnnxEntryMutations; i++)
            {
                var mutated = Mutate(onnx, i, out string description);
                // The mutated bytes in a zip whose CRCs are recomputed: only the seal can tell.
                var image = WithEntry(original, onnxEntry, mutated);
                var e = Assert.Throws<MlpModelFormatException>(() => ml.Model.LoadMlp(new MemoryStream(image), out _));
                Assert.True(e.EntryName == onnxEntry, $"{description}: refused, but naming '{e.EntryName}' ({e.Message})");
            }
        });
        output.WriteLine($"{OnnxEntryMutations} mutations of the ONNX entry inside a valid zip in {clock.Elapsed.TotalSeconds:F1} s: all refused naming {onnxEntry}.");
    }

    [Fact]
    public void MutatedCheckpointsAreRefusedWithMlpCheckpointExceptionOrLoadTheOriginalWeights()
    {
        var (_, model, _) = SmallPipeline();
        var mlp = LoadMlpTests.Stages(model).OfType<MlpPredictionTransformer>().Single().Model;
        using var saved = new MemoryStream();
        mlp.Save(saved);
        var original = saved.ToArray();
        string expected = BitHash.OfNetwork(mlp.CopyNetwork());

        int refused = 0, loaded = 0;
        var clock = Stopwatch.StartNew();
        WithinBudget(() =>
        {
            for (int i = 0; i < CheckpointMutations; i++)
            {
                var mutated = Mutate(original, i, out string description);
                MlpModelParameters restored;
                try
                {
                    restored = MlpModelParameters.Load(new MemoryStream(mutated));
                }
                catch (MlpCheckpointException)
                {
                    refused++;
                    continue;
                }
                catch (Exception e)
                {
                    Assert.Fail($"{description}: {e.GetType().Name} ({e.Message}); only MlpCheckpointException is documented.");
                    throw;
                }
                Assert.True(expected == BitHash.OfNetwork(restored.CopyNetwork()), $"{description}: loaded with different weights.");
                loaded++;
            }
        });
        output.WriteLine($"{CheckpointMutations} checkpoint mutations in {clock.Elapsed.TotalSeconds:F1} s: {refused} refused, {loaded} loaded with the original weights.");
        Assert.Equal(CheckpointMutations, refused + loaded);
    }

    /// <summary>True when <paramref name="image"/> loads (and then predicts exactly <paramref name="expected"/>); false when refused with the documented exception.</summary>
    private static bool Check(MLContext ml, byte[] image, IDataView data, Dictionary<string, List<string>> expected, string description)
    {
        ITransformer loaded;
        try
        {
            loaded = ml.Model.LoadMlp(new MemoryStream(image), out _);
        }
        catch (MlpModelFormatException)
        {
            return false;
        }
        catch (Exception e)
        {
            Assert.Fail($"{description}: {e.GetType().Name} ({e.Message}); only MlpModelFormatException is documented.");
            throw;
        }
        Assert.True(LoadMlpTests.Stages(loaded).OfType<MlpBinaryPredictionTransformer>().Any(), $"{description}: loaded without its MLP stage.");
        var actual = GoldenOutputs.Values(loaded.Transform(data));
        Assert.True(expected.Count == actual.Count && expected.All(kv => actual.TryGetValue(kv.Key, out var v) && v.SequenceEqual(kv.Value)),
            $"{description}: loaded, but predicts differently from the original.");
        return true;
    }

    /// <summary>A copy of the zip <paramref name="image"/> with entry <paramref name="name"/> replaced by <paramref name="content"/> (CRCs recomputed).</summary>
    private static byte[] WithEntry(byte[] image, string name, byte[] content)
    {
        using var result = new MemoryStream();
        using (var input = new ZipArchive(new MemoryStream(image), ZipArchiveMode.Read))
        using (var zip = new ZipArchive(result, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in input.Entries)
            {
                using var write = zip.CreateEntry(entry.FullName, CompressionLevel.Fastest).Open();
                if (entry.FullName == name)
                {
                    write.Write(content);
                }
                else
                {
                    using var read = entry.Open();
                    read.CopyTo(write);
                }
            }
        }
        return result.ToArray();
    }
}
