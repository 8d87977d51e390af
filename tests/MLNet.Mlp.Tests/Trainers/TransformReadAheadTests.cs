using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Activations;
using MLNet.Mlp.Trainers;
using static MLNet.Mlp.Tests.Robustness.RobustnessData;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// Transform scores rows in read-ahead batches (two alternating, the helpers scoring one while the cursor reads the
/// next); whatever the access pattern, each row gets exactly what PredictionEngine gives it alone.
/// </summary>
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

    private static (MLContext Ml, WideRow[] Rows, IDataView Data, ITransformer Model) Train(string activation)
    {
        var ml = new MLContext(seed: 1);
        var rows = Wide(RowCount, seed: 4);
        var data = KeyedWithThreeClasses(ml, ml.Data.LoadFromEnumerable(rows));
        var model = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions
        {
            // Widths below a vector (7, 3) as well as above it: element-wise math must not depend on the batch size.
            HiddenLayers = [20, 7, 3], Activation = Named(activation), NumberOfEpochs = 2, BatchNormalization = true, Seed = 3,
        }).Fit(data);
        return (ml, rows, data, model);
    }

    private static IActivation Named(string name) => name switch
    {
        "Relu" => Activation.Relu,
        "Tanh" => Activation.Tanh,
        "Sigmoid" => Activation.Sigmoid,
        "Gelu" => Activation.Gelu,
        "Silu" => Activation.Silu,
        "Elu" => Activation.Elu,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
