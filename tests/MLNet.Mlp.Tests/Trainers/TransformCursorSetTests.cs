using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Trainers;
using static MLNet.Mlp.Tests.Robustness.RobustnessData;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// A cursor set over the scored view (what ML.NET asks for when a row-to-row transform such as MapKeyToValue follows
/// the model) is one cursor serving every row, numbering its read-ahead batches, and empty others; every row comes in
/// input order and gets exactly what PredictionEngine gives it.
/// </summary>
public class TransformCursorSetTests
{
    private sealed class Input
    {
        [VectorType(32)] public float[] Features { get; set; } = [];
    }

    private sealed class ChainOutput
    {
        public float[] Score { get; set; } = [];
        public float PredictedLabel { get; set; }
    }

    private sealed class MlpOutput
    {
        public float[] Score { get; set; } = [];
    }

    // 1,000 rows: several read-ahead batches.
    private const int RowCount = 1000;

    [Fact]
    public void AChainEndingInMapKeyToValueEnumeratesEveryRowInInputOrderLikePredictionEngine()
    {
        var ml = new MLContext(seed: 1);
        var rows = Wide(RowCount, seed: 4);
        var data = KeyedWithThreeClasses(ml, ml.Data.LoadFromEnumerable(rows));
        var chain = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [20], NumberOfEpochs = 2, Seed = 3 })
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(data);

        var scored = chain.Transform(data);
        var columns = new[] { scored.Schema["Score"], scored.Schema["PredictedLabel"] };
        using var cursor = scored.GetRowCursor(columns);
        var getScore = cursor.GetGetter<VBuffer<float>>(columns[0]);
        var getLabel = cursor.GetGetter<float>(columns[1]);
        using var engine = ml.Model.CreatePredictionEngine<Input, ChainOutput>(chain);
        VBuffer<float> score = default;
        float label = 0;
        int row = 0;
        while (cursor.MoveNext())
        {
            getScore(ref score);
            getLabel(ref label);
            var alone = engine.Predict(new Input { Features = rows[row].Features });
            Assert.True(alone.Score.AsSpan().SequenceEqual(score.DenseValues().ToArray()), $"row {row}: scores differ from PredictionEngine's");
            Assert.Equal(alone.PredictedLabel, label);
            row++;
        }

        Assert.Equal(RowCount, row);
    }

    [Fact]
    public void ACursorSetServesEveryRowInOrderFromOneCursorWhoseBatchAdvancesWithItsReadAheadBatches()
    {
        var (ml, rows, model) = Train();
        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows.Select(r => new Input { Features = r.Features })));
        var scoreColumn = scored.Schema["Score"];
        var cursors = scored.GetRowCursorSet([scoreColumn], 2);
        Assert.Equal(2, cursors.Length);
        Assert.False(cursors[1].MoveNext());

        using var engine = ml.Model.CreatePredictionEngine<Input, MlpOutput>(model);
        var getScore = cursors[0].GetGetter<VBuffer<float>>(scoreColumn);
        VBuffer<float> score = default;
        var batches = new List<long>();
        int row = 0;
        while (cursors[0].MoveNext())
        {
            getScore(ref score);
            Assert.True(engine.Predict(new Input { Features = rows[row].Features }).Score.AsSpan().SequenceEqual(score.DenseValues().ToArray()), $"row {row}");
            batches.Add(cursors[0].Batch);
            row++;
        }
        foreach (var cursor in cursors) cursor.Dispose();

        Assert.Equal(RowCount, row);
        // ML.NET's consolidation passes rows on when Batch changes: it must advance, and never go back.
        Assert.True(batches.Distinct().Count() > 2, "every row came in one batch");
        Assert.True(batches.Zip(batches.Skip(1)).All(p => p.First <= p.Second), "Batch went back");
    }

    private static (MLContext Ml, WideRow[] Rows, ITransformer Model) Train()
    {
        var ml = new MLContext(seed: 1);
        var rows = Wide(RowCount, seed: 4);
        var data = KeyedWithThreeClasses(ml, ml.Data.LoadFromEnumerable(rows));
        var model = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [20], NumberOfEpochs = 2, Seed = 3 }).Fit(data);
        return (ml, rows, model);
    }
}
