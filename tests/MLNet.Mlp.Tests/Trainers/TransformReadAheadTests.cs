using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Numerics.Parallel;
using MLNet.Mlp.Tests.Activations;
using MLNet.Mlp.Trainers;
using static MLNet.Mlp.Tests.Robustness.RobustnessData;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// Transform scores rows in read-ahead batches (two alternating, the helpers scoring one while the cursor reads the
/// next); whatever the access pattern, each row gets exactly what PredictionEngine gives it alone.
/// </summary>
/// <remarks>Sequential: one test keeps the GEMM helper threads busy on purpose.</remarks>
[Collection(SequentialCollection.Name)]
public class TransformReadAheadTests
{
    private sealed class Input
    {
        [VectorType(32)] public float[] Features { get; set; } = [];
    }

    private sealed class Output
    {
        public float[] Score { get; set; } = [];
        public uint PredictedLabel { get; set; }
    }

    // 1,000 rows: three full read-ahead batches and a partial fourth.
    private const int RowCount = 1000;

    public static TheoryData<string> HiddenActivations() => new() { "Relu", "Tanh", "Sigmoid", "Gelu", "Silu", "Elu" };

    [Theory]
    [MemberData(nameof(HiddenActivations))]
    public void EveryRowOfAnEnumeratedTransformIsBitIdenticalToPredictionEngine(string activation)
    {
        var (ml, rows, data, model) = Train(activation);
        var scored = model.Transform(data);
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        var labels = scored.GetColumn<uint>("PredictedLabel").ToArray();

        using var engine = ml.Model.CreatePredictionEngine<Input, Output>(model);
        Assert.Equal(RowCount, scores.Length);
        for (int i = 0; i < rows.Length; i++)
        {
            var alone = engine.Predict(new Input { Features = rows[i].Features });
            Assert.True(alone.Score.AsSpan().SequenceEqual(scores[i]), $"{activation}: row {i} scores differ from PredictionEngine's");
            Assert.Equal(alone.PredictedLabel, labels[i]);
        }
    }

    private sealed class SparseImageRow
    {
        [VectorType(100)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    private sealed class SparseImageInput
    {
        [VectorType(100)] public float[] Features { get; set; } = [];
    }

    [Fact]
    public void MostlyZeroRowsScoredSkippingTheirZerosKeepTheDenseNetworksBitsInTransformAndPredictionEngine()
    {
        // A tenth of the values non-zero, as on images with a blank background: both scorers skip the zeros in the first layer.
        var ml = new MLContext(seed: 2);
        var random = new Random(6);
        var rows = Enumerable.Range(0, RowCount).Select(_ =>
        {
            var x = new float[100];
            for (int j = 0; j < x.Length; j++) if (random.NextDouble() < 0.1) x[j] = (float)random.NextDouble() * 3;
            return new SparseImageRow { Features = x, Label = x[..50].Sum() > x[50..].Sum() + 0.5f ? 2 : x[..50].Sum() > x[50..].Sum() - 0.5f ? 1 : 0 };
        }).ToArray();
        var data = KeyedWithThreeClasses(ml, ml.Data.LoadFromEnumerable(rows));
        var model = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [40], NumberOfEpochs = 2, Seed = 3 }).Fit(data);
        Assert.NotNull(model.Model.ZeroSkipping);
        var network = model.Model.CopyNetwork();

        var scores = model.Transform(data).GetColumn<float[]>("Score").ToArray();
        using var engine = ml.Model.CreatePredictionEngine<SparseImageInput, Output>(model);
        var dense = new float[3];
        for (int i = 0; i < rows.Length; i++)
        {
            network.Predict(rows[i].Features, dense, 1);
            Assert.True(dense.AsSpan().SequenceEqual(scores[i]), $"row {i}: Transform's scores differ from the dense network's");
            var alone = engine.Predict(new SparseImageInput { Features = rows[i].Features });
            Assert.True(dense.AsSpan().SequenceEqual(alone.Score), $"row {i}: PredictionEngine's scores differ from the dense network's");
        }
    }

    [Fact]
    public void ACursorThatReadsOnlySomeRowsGetsTheirOwnScores()
    {
        var (ml, rows, data, model) = Train("Tanh");
        using var engine = ml.Model.CreatePredictionEngine<Input, Output>(model);
        var scored = model.Transform(data);
        var scoreColumn = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([scoreColumn]);
        var getScore = cursor.GetGetter<VBuffer<float>>(scoreColumn);
        VBuffer<float> score = default;
        int checkedRows = 0;
        // Jumps past both batches (every 600th row), reads inside the current one, and steps into the next one.
        var wanted = new HashSet<long> { 0, 1, 255, 256, 600, 601, 999 };
        while (cursor.MoveNext())
        {
            if (!wanted.Contains(cursor.Position)) continue;
            getScore(ref score);
            var alone = engine.Predict(new Input { Features = rows[cursor.Position].Features });
            Assert.True(alone.Score.AsSpan().SequenceEqual(score.DenseValues().ToArray()), $"row {cursor.Position}");
            checkedRows++;
        }

        Assert.Equal(wanted.Count, checkedRows);
    }

    [Fact]
    public void DisposingACursorWhileTheNextBatchIsBeingScoredLeavesLaterTransformsCorrect()
    {
        var (_, _, data, model) = Train("Relu");
        var expected = model.Transform(data).GetColumn<float[]>("Score").ToArray();
        var scored = model.Transform(data);
        var scoreColumn = scored.Schema["Score"];
        for (int stopAfter = 1; stopAfter < 600; stopAfter += 97)
        {
            using var cursor = scored.GetRowCursor([scoreColumn]);
            var getScore = cursor.GetGetter<VBuffer<float>>(scoreColumn);
            VBuffer<float> score = default;
            for (int i = 0; i < stopAfter && cursor.MoveNext(); i++) getScore(ref score);
        }

        var again = model.Transform(data).GetColumn<float[]>("Score").ToArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.True(expected[i].AsSpan().SequenceEqual(again[i]), $"row {i}");
    }

    [Fact]
    public void TwoCursorsOverOneScoredViewAdvancedInTurnEachGetTheirRowsScores()
    {
        var (_, _, data, model) = Train("Relu");
        var expected = model.Transform(data).GetColumn<float[]>("Score").ToArray();
        var scored = model.Transform(data);
        var scoreColumn = scored.Schema["Score"];
        using var first = scored.GetRowCursor([scoreColumn]);
        using var second = scored.GetRowCursor([scoreColumn]);
        var getFirst = first.GetGetter<VBuffer<float>>(scoreColumn);
        var getSecond = second.GetGetter<VBuffer<float>>(scoreColumn);
        VBuffer<float> a = default, b = default;
        second.MoveNext();   // one row behind the first cursor... then ahead: the two never share a batch boundary
        while (first.MoveNext())
        {
            getFirst(ref a);
            Assert.True(expected[first.Position].AsSpan().SequenceEqual(a.DenseValues().ToArray()), $"first cursor, row {first.Position}");
            if (second.MoveNext())
            {
                getSecond(ref b);
                Assert.True(expected[second.Position].AsSpan().SequenceEqual(b.DenseValues().ToArray()), $"second cursor, row {second.Position}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(257)]
    [InlineData(513)]
    public void AStreamedInputOfUnknownLengthIsScoredLikePredictionEngine(int rowCount)
    {
        var (ml, rows, _, model) = Train("Relu");
        using var engine = ml.Model.CreatePredictionEngine<Input, Output>(model);
        var view = ml.Data.LoadFromEnumerable(rows.Take(rowCount).Select(r => new Input { Features = r.Features }));
        Assert.Null(view.GetRowCount());
        var scores = model.Transform(view).GetColumn<float[]>("Score").ToArray();
        Assert.Equal(rowCount, scores.Length);
        for (int i = 0; i < rowCount; i++)
            Assert.True(engine.Predict(new Input { Features = rows[i].Features }).Score.AsSpan().SequenceEqual(scores[i]), $"row {i}");
    }

    [Fact]
    public void ARowThatCannotBeReadFailsOnlyWhenTheCursorGetsThere()
    {
        var (ml, rows, _, model) = Train("Relu");
        var scored = model.Transform(WithUnreadableRow(ml, rows, badRow: 300));
        var scoreColumn = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([scoreColumn]);
        var getScore = cursor.GetGetter<VBuffer<float>>(scoreColumn);
        VBuffer<float> score = default;
        for (int i = 0; i < 300; i++)
        {
            Assert.True(cursor.MoveNext());
            var error = Record.Exception(() => getScore(ref score));
            Assert.True(error is null, $"row {i} threw {error?.GetType().Name}: {error?.Message}");
        }

        Assert.True(cursor.MoveNext());
        Assert.Throws<InvalidDataException>(() => getScore(ref score));
    }

    [Fact]
    public void AfterAReadAheadFailureEveryRowServedStillCarriesItsOwnScores()
    {
        var (ml, rows, _, model) = Train("Relu");
        using var engine = ml.Model.CreatePredictionEngine<Input, Output>(model);
        var scored = model.Transform(WithUnreadableRow(ml, rows, badRow: 300));
        var scoreColumn = scored.Schema["Score"];

        // Every helper kept busy, so no batch is scored before the cursor joins it (as on a loaded host).
        using var gate = new ManualResetEventSlim();
        var blocker = new BlockingWork(gate);
        var pending = ParallelChunks.Begin(blocker, Environment.ProcessorCount, Environment.ProcessorCount);
        try
        {
            SpinWait.SpinUntil(() => Volatile.Read(ref blocker.Entered) >= Environment.ProcessorCount - 1, 5000);
            using var cursor = scored.GetRowCursor([scoreColumn]);
            var getScore = cursor.GetGetter<VBuffer<float>>(scoreColumn);
            VBuffer<float> score = default;
            int served = 0;
            for (int i = 0; i < 10 && cursor.MoveNext(); i++)
            {
                getScore(ref score);
                served++;
                var alone = engine.Predict(new Input { Features = rows[i].Features });
                Assert.True(alone.Score.AsSpan().SequenceEqual(score.DenseValues().ToArray()),
                    $"row {i}: [{string.Join(", ", score.DenseValues())}] instead of [{string.Join(", ", alone.Score)}]");
            }
            Assert.Equal(10, served);
        }
        finally
        {
            gate.Set();
            pending.Complete();
        }
    }

    [Fact]
    public void ReadingAheadWithPassThroughColumnsAllocatesNothingPerRow()
    {
        var (ml, _, _, model) = Train("Relu");
        var raw = ml.Data.LoadFromEnumerable(Wide(4000, seed: 9));
        var scored = model.Transform(KeyedWithThreeClasses(ml, raw));
        var columns = new[] { "Features", "Label", "Score", "PredictedLabel" }.Select(n => scored.Schema[n]).ToArray();
        using var cursor = scored.GetRowCursor(columns);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(columns[0]);
        var getLabel = cursor.GetGetter<uint>(columns[1]);
        var getScore = cursor.GetGetter<VBuffer<float>>(columns[2]);
        var getPredicted = cursor.GetGetter<uint>(columns[3]);
        VBuffer<float> features = default, score = default;
        uint label = 0, predicted = 0;
        // Every slot of both batches has been filled once by row 1,024; rows 1,500 to 3,899 read three more batches, in
        // three windows of 800 rows. A per-row allocation (24 bytes at least) shows in every window; an occasional
        // one-off allocation on this thread, which the full suite shows now and then, shows in one at most.
        var windows = new List<long>();
        long before = 0;
        while (cursor.MoveNext())
        {
            if (cursor.Position is 1500 or 2300 or 3100 or 3900)
            {
                long now = GC.GetAllocatedBytesForCurrentThread();
                if (cursor.Position > 1500) windows.Add(now - before);
                GC.Collect();
                before = GC.GetAllocatedBytesForCurrentThread();
            }
            getFeatures(ref features);
            getLabel(ref label);
            getScore(ref score);
            getPredicted(ref predicted);
        }

        Assert.Equal(3, windows.Count);
        Assert.True(windows.Min() < 2500, $"bytes allocated in each window of 800 rows: {string.Join(", ", windows)}");
    }

    /// <summary>A row whose Features getter throws: a corrupt record, or a mapping that fails on that row.</summary>
    private sealed class UnreadableRow
    {
        private float[] _features = [];

        public bool Unreadable { get; set; }

        [VectorType(32)]
        public float[] Features { get => Unreadable ? throw new InvalidDataException("corrupt row") : _features; set => _features = value; }
    }

    private static IDataView WithUnreadableRow(MLContext ml, WideRow[] rows, int badRow)
        => ml.Data.LoadFromEnumerable(rows.Select((r, i) => new UnreadableRow { Features = r.Features, Unreadable = i == badRow }).ToArray());

    private sealed class BlockingWork(ManualResetEventSlim gate) : IChunkedWork
    {
        public int Entered;

        public void RunChunk(int index, int chunks)
        {
            Interlocked.Increment(ref Entered);
            gate.Wait();
        }
    }

    private static (MLContext Ml, WideRow[] Rows, IDataView Data, ITransformer Model) Train(string activation)
    {
        var ml = new MLContext(seed: 1);
        var rows = Wide(RowCount, seed: 4);
        var data = KeyedWithThreeClasses(ml, ml.Data.LoadFromEnumerable(rows));
        var model = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions
        {
            // Widths below a vector (7, 3) as well as above it: element-wise math must not depend on the batch size.
            HiddenLayers = [20, 7, 3], Activation = NamedActivations.Get(activation), NumberOfEpochs = 2, BatchNormalization = true, Seed = 3,
        }).Fit(data);
        return (ml, rows, data, model);
    }
}
