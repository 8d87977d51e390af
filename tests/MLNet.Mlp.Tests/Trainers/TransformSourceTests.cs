using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Trainers;
using static MLNet.Mlp.Tests.Robustness.RobustnessData;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// Transform reads ahead on its one input cursor, so its output equals PredictionEngine's row by row for any
/// IDataView: a consume-once queue, a view whose cursors return the rows in different orders, a source that fails
/// part-way; and the pass-through columns of the rows read ahead are each row's own.
/// </summary>
public class TransformSourceTests
{
    private sealed class Input
    {
        public int Id { get; set; }

        public string Name { get; set; } = "";

        [VectorType(32)] public float[] Features { get; set; } = [];
    }

    private sealed class Output
    {
        public int Id { get; set; }

        public string Name { get; set; } = "";

        [VectorType(32)] public float[] Features { get; set; } = [];

        public float[] Score { get; set; } = [];

        public uint PredictedLabel { get; set; }
    }

    private sealed class ScoreOnly
    {
        public float[] Score { get; set; } = [];

        public uint PredictedLabel { get; set; }
    }

    // Four full read-ahead batches and a partial fifth.
    private const int RowCount = 2000;

    [Fact]
    public void AConsumeOnceQueueIsScoredRowForRowLikePredictionEngine()
    {
        var (ml, inputs, model) = Train();
        using var queue = new BlockingCollection<Input>();
        foreach (var input in inputs) queue.Add(input);
        queue.CompleteAdding();
        var view = ml.Data.LoadFromEnumerable(queue.GetConsumingEnumerable());

        var scored = ml.Data.CreateEnumerable<Output>(model.Transform(view), reuseRowObject: false).ToArray();

        Assert.Equal(RowCount, scored.Length);
        AssertEachRowIsScoredLikePredictionEngine(ml, model, inputs, scored, expectInputOrder: true);
    }

    [Fact]
    public void AViewWhoseCursorsReturnTheRowsInDifferentOrdersGetsEachRowsOwnScore()
    {
        var (ml, inputs, model) = Train();
        var view = new ReshufflingView(ml, inputs);

        var scored = ml.Data.CreateEnumerable<Output>(model.Transform(view), reuseRowObject: false).ToArray();

        Assert.Equal(RowCount, scored.Length);
        Assert.NotEqual(Enumerable.Range(0, RowCount), scored.Select(r => r.Id));
        AssertEachRowIsScoredLikePredictionEngine(ml, model, inputs, scored, expectInputOrder: false);
    }

    [Fact]
    public void ReadingOnlyThePredictionColumnsOfAConsumeOnceQueueLosesNoRow()
    {
        var (ml, inputs, model) = Train();
        using var queue = new BlockingCollection<Input>();
        foreach (var input in inputs) queue.Add(input);
        queue.CompleteAdding();

        var scored = ml.Data.CreateEnumerable<ScoreOnly>(model.Transform(ml.Data.LoadFromEnumerable(queue.GetConsumingEnumerable())), reuseRowObject: false).ToArray();

        using var engine = ml.Model.CreatePredictionEngine<Input, ScoreOnly>(model);
        Assert.Equal(RowCount, scored.Length);
        for (int i = 0; i < RowCount; i++)
            Assert.True(engine.Predict(inputs[i]).Score.AsSpan().SequenceEqual(scored[i].Score), $"row {i}");
    }

    [Fact]
    public void ASourceThatFailsPartWayServesEveryRowBeforeAndThrowsAtThatRow()
    {
        var (ml, inputs, model) = Train();
        using var engine = ml.Model.CreatePredictionEngine<Input, ScoreOnly>(model);
        var scored = model.Transform(ml.Data.LoadFromEnumerable(FailingAfter(inputs, 700)));
        var scoreColumn = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([scoreColumn]);
        var getScore = cursor.GetGetter<VBuffer<float>>(scoreColumn);
        VBuffer<float> score = default;
        for (int i = 0; i < 700; i++)
        {
            Assert.True(cursor.MoveNext(), $"row {i}");
            Assert.Equal(i, cursor.Position);
            getScore(ref score);
            Assert.True(engine.Predict(inputs[i]).Score.AsSpan().SequenceEqual(score.DenseValues().ToArray()), $"row {i}");
        }

        var error = Assert.Throws<InvalidDataException>(() => cursor.MoveNext());
        Assert.Equal("source failed at row 700", error.Message);
    }

    [Fact]
    public void AShuffledCursorServesEachRowWithItsOwnScoreAndColumns()
    {
        var (ml, inputs, model) = Train();
        var view = ml.Data.Cache(ml.Data.LoadFromEnumerable(inputs));
        Assert.True(view.CanShuffle);
        var scored = model.Transform(view);
        var columns = new[] { "Id", "Name", "Features", "Score", "PredictedLabel" }.Select(n => scored.Schema[n]).ToArray();
        using var cursor = scored.GetRowCursor(columns, new Random(5));
        var getId = cursor.GetGetter<int>(columns[0]);
        var getName = cursor.GetGetter<ReadOnlyMemory<char>>(columns[1]);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(columns[2]);
        var getScore = cursor.GetGetter<VBuffer<float>>(columns[3]);
        var getLabel = cursor.GetGetter<uint>(columns[4]);
        var rows = new List<Output>();
        int id = 0;
        ReadOnlyMemory<char> name = default;
        VBuffer<float> features = default, score = default;
        uint label = 0;
        while (cursor.MoveNext())
        {
            getId(ref id);
            getName(ref name);
            getFeatures(ref features);
            getScore(ref score);
            getLabel(ref label);
            rows.Add(new Output { Id = id, Name = name.ToString(), Features = features.DenseValues().ToArray(), Score = score.DenseValues().ToArray(), PredictedLabel = label });
        }

        Assert.Equal(RowCount, rows.Count);
        Assert.NotEqual(Enumerable.Range(0, RowCount), rows.Select(r => r.Id));
        AssertEachRowIsScoredLikePredictionEngine(ml, model, inputs, [.. rows], expectInputOrder: false);
    }

    private sealed class TaggedInput
    {
        [VectorType(2)] public string[] Tags { get; set; } = [];

        [VectorType(32)] public float[] Features { get; set; } = [];
    }

    private sealed class TaggedOutput
    {
        [VectorType(2)] public string[] Tags { get; set; } = [];

        public float[] Score { get; set; } = [];
    }

    [Fact]
    public void AConsumeOnceQueueWithARequestedTextVectorColumnIsScoredRowByRowLikePredictionEngine()
    {
        // A vector of text is not copied by the read-ahead: the cursor follows the input row by row instead.
        var (ml, inputs, model) = Train();
        using var queue = new BlockingCollection<TaggedInput>();
        foreach (var input in inputs) queue.Add(new TaggedInput { Tags = [input.Name, $"{input.Id}"], Features = input.Features });
        queue.CompleteAdding();

        var scored = ml.Data.CreateEnumerable<TaggedOutput>(model.Transform(ml.Data.LoadFromEnumerable(queue.GetConsumingEnumerable())), reuseRowObject: false).ToArray();

        using var engine = ml.Model.CreatePredictionEngine<Input, ScoreOnly>(model);
        Assert.Equal(RowCount, scored.Length);
        for (int i = 0; i < RowCount; i++)
        {
            Assert.Equal([inputs[i].Name, $"{i}"], scored[i].Tags);
            Assert.True(engine.Predict(inputs[i]).Score.AsSpan().SequenceEqual(scored[i].Score), $"row {i}");
        }
    }

    private static void AssertEachRowIsScoredLikePredictionEngine(MLContext ml, ITransformer model, Input[] inputs, Output[] scored, bool expectInputOrder)
    {
        using var engine = ml.Model.CreatePredictionEngine<Input, ScoreOnly>(model);
        Assert.Equal(Enumerable.Range(0, inputs.Length), scored.Select(r => r.Id).Order());
        for (int i = 0; i < scored.Length; i++)
        {
            var row = scored[i];
            if (expectInputOrder) Assert.Equal(i, row.Id);
            var input = inputs[row.Id];
            Assert.Equal(input.Name, row.Name);
            Assert.True(input.Features.AsSpan().SequenceEqual(row.Features), $"output row {i} (id {row.Id}): the Features passed through are another row's");
            var alone = engine.Predict(input);
            Assert.True(alone.Score.AsSpan().SequenceEqual(row.Score), $"output row {i} (id {row.Id}): [{string.Join(", ", row.Score)}] instead of [{string.Join(", ", alone.Score)}]");
            Assert.Equal(alone.PredictedLabel, row.PredictedLabel);
        }
    }

    private static IEnumerable<Input> FailingAfter(Input[] inputs, int rows)
    {
        for (int i = 0; i < rows; i++) yield return inputs[i];
        throw new InvalidDataException($"source failed at row {rows}");
    }

    /// <summary>
    /// A view that breaks the "same rows every time" assumption: each cursor returns the rows in a new order (a
    /// stream that is different every time it is read). Row ids are positions, as LoadFromEnumerable's are.
    /// </summary>
    private sealed class ReshufflingView(MLContext ml, Input[] rows) : IDataView
    {
        private int _seed;

        public bool CanShuffle => false;

        public DataViewSchema Schema { get; } = ml.Data.LoadFromEnumerable(rows).Schema;

        public long? GetRowCount() => rows.Length;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        {
            var order = rows.ToArray();
            new Random(Interlocked.Increment(ref _seed)).Shuffle(order);
            return ml.Data.LoadFromEnumerable(order).GetRowCursor(columnsNeeded);
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
            => [GetRowCursor(columnsNeeded, rand)];
    }

    private static (MLContext Ml, Input[] Inputs, ITransformer Model) Train()
    {
        var ml = new MLContext(seed: 1);
        var rows = Wide(RowCount, seed: 4);
        var data = KeyedWithThreeClasses(ml, ml.Data.LoadFromEnumerable(rows));
        var model = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [16], NumberOfEpochs = 1, Seed = 3 }).Fit(data);
        var inputs = rows.Select((r, i) => new Input { Id = i, Name = $"row {i}", Features = r.Features }).ToArray();
        return (ml, inputs, model);
    }
}
