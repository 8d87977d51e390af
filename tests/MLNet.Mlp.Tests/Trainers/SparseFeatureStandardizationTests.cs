using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Fitting;
using MLNet.Mlp.Tasks;
using MLNet.Mlp.Tests.Persistence;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// Sparse rows (a wide one-hot encoding or bag of words, kept sparse) are standardized without being densified: a column
/// stored in nearly every row (a number concatenated beside them) is centered and scaled as a dense feature is when the
/// rows are trained as a table (a first layer of at most 2^20 weights) or its root mean square exceeds 1, any other column whose
/// spread exceeds 1 is shrunk, and text features are left exactly as they are.
/// </summary>
public class SparseFeatureStandardizationTests
{
    private static TrainingData Sparse(int columns, IReadOnlyList<(int Column, float Value)[]> rows, float[]? weights = null)
    {
        var starts = new List<int> { 0 };
        var indices = new List<int>();
        var values = new List<float>();
        foreach (var row in rows)
        {
            foreach (var (c, v) in row.OrderBy(e => e.Column))
            {
                indices.Add(c);
                values.Add(v);
            }
            starts.Add(indices.Count);
        }
        return new TrainingData(new SparseRows(columns, [.. starts], [.. indices], [.. values]), new float[rows.Count], 1, weights);
    }

    private static float[] Dense(TrainingData sparse)
    {
        var s = sparse.SparseFeatures!;
        var dense = new float[s.Rows * s.Columns];
        for (int r = 0; r < s.Rows; r++)
            for (int k = s.RowStarts[r]; k < s.RowStarts[r + 1]; k++) dense[r * s.Columns + s.Indices[k]] = s.Values[k];
        return dense;
    }

    // Column 0: an amount stored in every row; 1: a ratio in hundredths stored in 19 rows of 20; 2: a large value in 2
    // rows of 20; 3: a text-like value at most 1 in half the rows; 4: never stored.
    private static TrainingData MixedColumns(int rows = 20)
    {
        var random = new Random(3);
        var list = new List<(int, float)[]>();
        for (int r = 0; r < rows; r++)
        {
            var row = new List<(int, float)> { (0, 1000f + 200f * (float)random.NextDouble()) };
            if (r != 7) row.Add((1, 0.02f + 0.01f * (float)random.NextDouble()));
            if (r % 10 == 3) row.Add((2, 5000f * (1 + r)));
            if (r % 2 == 0) row.Add((3, 0.1f + 0.5f * (float)random.NextDouble()));
            list.Add([.. row]);
        }
        return Sparse(5, list);
    }

    [Fact]
    public void AsATableColumnsStoredInNearlyEveryRowAreStandardizedAsDenseOnesAndRarerOnesAreOnlyShrunk()
    {
        var data = MixedColumns();
        var s = FeatureStandardization.FitSparse(data, asATable: true)!;

        // The dense rows' statistics of the same values, implied zeros included; only the mostly-stored columns are centered.
        var dense = FeatureStandardization.Fit(new TrainingData(Dense(data), 5, new float[20], 1));
        for (int j = 0; j < 2; j++)
        {
            Assert.Equal(dense.Mean[j], s.Mean[j], 4);
            Assert.Equal(dense.Scale[j], s.Scale[j], 4);
        }
        Assert.Equal(dense.Scale[2], s.Scale[2], 4);
        Assert.Equal([0f, 0f, 0f], s.Mean[2..]);
        Assert.True(s.Scale[1] < 0.1f, $"scale {s.Scale[1]}");
        Assert.True(s.Scale[2] > 1000f, $"scale {s.Scale[2]}");
        Assert.Equal(1f, s.Scale[3]);
        Assert.Equal(1f, s.Scale[4]);
    }

    [Fact]
    public void RowsTooWideForATableHaveOnlyTheirColumnsOfLargeSpreadStandardizedAndCenterOnlyTheMostlyStoredOnes()
    {
        var data = MixedColumns();
        var s = FeatureStandardization.FitSparse(data, asATable: false)!;

        var dense = FeatureStandardization.Fit(new TrainingData(Dense(data), 5, new float[20], 1));
        Assert.Equal(dense.Mean[0], s.Mean[0], 4);
        Assert.Equal(dense.Scale[0], s.Scale[0], 4);
        Assert.Equal(dense.Scale[2], s.Scale[2], 4);
        Assert.Equal([0f, 0f, 0f, 0f], new[] { s.Mean[1], s.Mean[2], s.Mean[3], s.Mean[4] });
        Assert.Equal([1f, 1f, 1f], new[] { s.Scale[1], s.Scale[3], s.Scale[4] });

        // The one centered column is stored in every row: the rows are standardized in place.
        var values = data.SparseFeatures!.Values;
        Assert.Same(data, s.Standardize(data));
        Assert.Same(values, data.SparseFeatures.Values);
    }

    [Fact]
    public void WiderThanATableAColumnInNearlyEveryRowIsCenteredWhenItsValuesReachBeyondOne()
    {
        // Column 0: a year that varies by less than 1 (2010 ± 0.5); 1: a constant 5,000; 2: a constant 1 (an input like
        // a bias); 3: a text-like value below 1 in every row.
        var random = new Random(4);
        var rows = Enumerable.Range(0, 40)
            .Select(r => new[] { (0, 2009.5f + (r % 2)), (1, 5000f), (2, 1f), (3, 0.1f + 0.5f * (float)random.NextDouble()) })
            .ToList();

        var s = FeatureStandardization.FitSparse(Sparse(4, rows), asATable: false)!;

        Assert.Equal([2010f, 5000f, 0f, 0f], s.Mean);
        Assert.Equal([0.5f, 1f, 1f, 1f], s.Scale);
    }

    [Fact]
    public void StandardizedSparseRowsHoldTheBitsOfTheSameRowsStandardizedDense()
    {
        var data = MixedColumns();
        var s = FeatureStandardization.FitSparse(data, asATable: true)!;
        var dense = new TrainingData(Dense(data), 5, new float[20], 1);
        int stored = data.SparseFeatures!.NonZeroCount;

        var standardized = s.Standardize(data);
        s.Standardize(dense);

        // Row 7 lacks the centered column 1: it now stores −μ/s there, as the dense row holds.
        Assert.Equal(stored + 1, standardized.SparseFeatures!.NonZeroCount);
        Assert.Equal(dense.Features, Dense(standardized));
        Assert.Same(data.Targets, standardized.Targets);
    }

    [Fact]
    public void ACenteredColumnIsStoredInTheRowsThatLackItInColumnOrder()
    {
        // Column 1 is stored in 19 rows of 20; row 0 holds columns 0 and 3, so the inserted column goes between them.
        var rows = Enumerable.Range(0, 20).Select(r => r == 0 ? new[] { (0, 1f), (3, 1f) } : new[] { (1, 100f + r) }).ToList();
        var data = Sparse(4, rows);
        var s = FeatureStandardization.FitSparse(data, asATable: true)!;

        var standardized = s.Standardize(data).SparseFeatures!;

        Assert.Equal([0, 1, 3], standardized.Indices[..3]);
        Assert.Equal((float)((0 - (double)s.Mean[1]) / s.Scale[1]), standardized.Values[1]);
        Assert.Equal(22, standardized.NonZeroCount);
    }

    [Fact]
    public void TextLikeRowsAreLeftExactlyAsTheyAre()
    {
        // Rows normalized to unit length over a vocabulary, no term in nine rows of ten: nothing to standardize.
        var random = new Random(5);
        var list = Enumerable.Range(0, 200).Select(_ =>
        {
            var terms = Enumerable.Range(0, 8).Select(_ => random.Next(1000)).Distinct().ToArray();
            float v = 1f / MathF.Sqrt(terms.Length);
            return terms.Select(t => (t, v)).ToArray();
        }).ToList();

        Assert.Null(FeatureStandardization.FitSparse(Sparse(1000, list), asATable: true));
    }

    [Fact]
    public void RowsOfWeightZeroDoNotCountTowardsTheScale()
    {
        var rows = new List<(int, float)[]> { new[] { (0, 10f) }, new[] { (0, 30f) }, new[] { (0, 5000f) } };
        var s = FeatureStandardization.FitSparse(Sparse(2, rows, weights: [1f, 1f, 0f]), asATable: true)!;

        Assert.Equal(10f, s.Scale[0]);
    }

    private sealed class Row
    {
        public bool Label { get; set; }

        public VBuffer<float> Features { get; set; }
    }

    // A categorical column of 5,000 values one-hot encoded, with three raw numbers beside it (an amount in the tens of
    // thousands, an age, a ratio in hundredths), kept sparse as ML.NET's OneHotEncoding + Concatenate give it. The label
    // follows the numbers mostly. The age may be given another mean and spread (a year), and the ratio left out (zero)
    // of every k-th row.
    private static IDataView Census(MLContext ml, int rows, int seed, double ageMean = 40, double ageDeviation = 12, int ratioMissingEvery = 0)
    {
        const int categories = 5000, width = categories + 3;
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var effect = Enumerable.Range(0, categories).Select(c => Math.Sin(c * 0.37)).ToArray();
        var list = new List<Row>();
        for (int i = 0; i < rows; i++)
        {
            int category = random.Next(categories);
            double income = 50_000 + 20_000 * Normal(), age = ageMean + ageDeviation * Normal(), ratio = 0.02 + 0.01 * Normal();
            bool noRatio = ratioMissingEvery > 0 && i % ratioMissingEvery == 0;
            if (noRatio) ratio = 0;
            double z = 1.5 * (income - 50_000) / 20_000 - (age - ageMean) / ageDeviation + 1.2 * (ratio - 0.02) / 0.01 + 0.5 * effect[category];
            list.Add(new Row
            {
                Label = random.NextDouble() < 1 / (1 + Math.Exp(-z)),
                Features = noRatio
                    ? new VBuffer<float>(width, 3, [1f, (float)income, (float)age], [category, categories, categories + 1])
                    : new VBuffer<float>(width, 4, [1f, (float)income, (float)age, (float)ratio], [category, categories, categories + 1, categories + 2]),
            });
        }
        var schema = SchemaDefinition.Create(typeof(Row));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return ml.Data.LoadFromEnumerable(list, schema);
    }

    [Fact]
    public void RawNumbersBesideAWideOneHotEncodingTrainAndTheModelScoresTheRowsGivenDenseTheSame()
    {
        var ml = new MLContext(seed: 0);
        var train = Census(ml, 2000, seed: 1);
        var test = Census(ml, 1000, seed: 2);
        var model = ml.BinaryClassification.Trainers.Mlp().Fit(train);

        // Without the standardization the amount in the tens of thousands and the ratio in hundredths trained badly
        // (AUC 0.6–0.7 on such data); standardized, the network learns the numbers as a linear model would.
        var scored = model.Transform(test);
        var metrics = ml.BinaryClassification.EvaluateNonCalibrated(scored);
        Assert.True(metrics.AreaUnderRocCurve > 0.83, $"AUC {metrics.AreaUnderRocCurve:F4}");

        // The scaling is folded into the first layer: the model takes raw rows, sparse or dense.
        var scores = scored.GetColumn<float>("Score").ToArray();
        var rows = ml.Data.CreateEnumerable<Row>(test, reuseRowObject: false).ToArray();
        var mlp = model.Model;
        var dense = new float[mlp.FeatureCount];
        var logit = new float[1];
        for (int i = 0; i < 50; i++)
        {
            rows[i].Features.CopyTo(dense);
            MlpTaskHead.Binary.Predict(mlp.Network, dense, logit, 1);
            Assert.Equal(scores[i], logit[0], 1e-3 * Math.Max(1, Math.Abs(scores[i])));
        }
    }

    [Fact]
    public void AYearBesideAWideOneHotEncodingIsCenteredSoTheModelLearnsItAndScoresRowsLackingAColumnAsDenseOnes()
    {
        // A year (2010 ± 5) carries the signal the age did. Scaled by its deviation but not centered it reached the first
        // layer as an offset of about 400 in every row, and the model trained on sparse rows fell behind (AUC 0.82 here,
        // 0.85 when the same rows were given dense). One row in 20 lacks the ratio: it gets −μ/s stored for training,
        // and the folded model must score the raw row, zero there, exactly as the dense row.
        var ml = new MLContext(seed: 0);
        var train = Census(ml, 2000, seed: 1, ageMean: 2010, ageDeviation: 5, ratioMissingEvery: 20);
        var test = Census(ml, 1000, seed: 2, ageMean: 2010, ageDeviation: 5, ratioMissingEvery: 20);

        var model = ml.BinaryClassification.Trainers.Mlp().Fit(train);

        Assert.NotEqual(0f, model.Model.FeatureStandardization!.Mean[5002]);
        var scored = model.Transform(test);
        var auc = ml.BinaryClassification.EvaluateNonCalibrated(scored).AreaUnderRocCurve;
        Assert.True(auc > 0.84, $"AUC {auc:F4}");
        var scores = scored.GetColumn<float>("Score").ToArray();
        var rows = ml.Data.CreateEnumerable<Row>(test, reuseRowObject: false).ToArray();
        var dense = new float[model.Model.FeatureCount];
        var logit = new float[1];
        for (int i = 0; i < 60; i++)
        {
            rows[i].Features.CopyTo(dense);
            MlpTaskHead.Binary.Predict(model.Model.Network, dense, logit, 1);
            Assert.Equal(scores[i], logit[0], 1e-3 * Math.Max(1, Math.Abs(scores[i])));
        }
    }

    [Fact]
    public void TheRowsMadeToStoreACenteredColumnAreCheckedAgainstTheMemoryBeforeTheyAreMade()
    {
        // One row in 20 lacks the ratio, which is centered: standardizing makes new arrays of 79,000 + 1,000 stored
        // values beside the rows as read. A budget that holds the rest of the fit but not them refuses the fit before
        // they are made, counting them; one that also holds them trains. (A small network, so that the data, not the
        // model, is most of the fit.)
        var ml = new MLContext(seed: 0);
        var train = Census(ml, 20_000, seed: 1, ratioMissingEvery: 20);
        var options = new MlpBinaryOptions { NumberOfEpochs = 1, HiddenLayers = [4] };
        var memory = MemoryEstimate.For(options, MlpTaskHead.Binary, train.Schema, separateValidation: false);
        memory.UseSparseRows(79_000 / 20_000.0);
        // With the model folded for raw features, 2P floats, which the estimate before reading counts for dense rows only.
        long rest = MemoryEstimate.Total(memory.Parts(20_000, 0, rowsFinal: true)) + 8 * memory.ParameterCount;
        var added = memory.StandardizedSparseParts((80_000, 20_000), (0, 0));
        Assert.Equal(2, added.Count);
        Assert.Equal(8 * memory.ParameterCount, added[0].Bytes);
        long copy = added[1].Bytes;
        Assert.Equal(4 * (2 * 80_000 + 20_001), copy);

        options.AvailableMemoryBytes = rest + copy / 2;
        var e = Assert.Throws<InsufficientMemoryException>(() => ml.BinaryClassification.Trainers.Mlp(options).Fit(train));
        Assert.Contains($"Training needs an estimated {rest + copy:N0} bytes of memory for 20,000 rows", e.Message, StringComparison.Ordinal);
        Assert.Contains($"sparse rows with their centered columns stored (StandardizeFeatures), made beside the rows as read: {copy:N0} bytes", e.Message, StringComparison.Ordinal);

        options.AvailableMemoryBytes = rest + copy;
        Assert.NotEqual(0f, ml.BinaryClassification.Trainers.Mlp(options).Fit(train).Model.FeatureStandardization!.Mean[5002]);
    }

    [Fact]
    public void AModelLoadedFromItsZipContinuesOnSparseRowsWithCenteredColumnsFromWhereItWas()
    {
        // A zip holds the folded network without training state: the warm start standardizes the new rows (storing −μ/s
        // where a row lacks the ratio) and unfolds the network with the same statistics, so training resumes from the
        // function the model computed.
        var ml = new MLContext(seed: 0);
        var data = Census(ml, 1500, seed: 8, ageMean: 2010, ageDeviation: 5, ratioMissingEvery: 20);
        var options = new MlpBinaryOptions { NumberOfEpochs = 3 };
        var trained = ml.BinaryClassification.Trainers.Mlp(options).Fit(data);
        using var zip = new TempFile(".zip");
        ml.Model.Save(trained, data.Schema, zip.Path);
        var loaded = LoadMlpTests.Stages(new MLContext().Model.LoadMlp(zip.Path, out _)).OfType<MlpPredictionTransformer>().Single().Model;
        Assert.Null(loaded.TrainingState);

        var rows = ml.Data.CreateEnumerable<Row>(data, reuseRowObject: false).Take(200).ToArray();
        var (state, features) = WarmStart.ContinueFrom(loaded, SparseRowsOf(rows), options);
        var standardized = features!.Standardize(SparseRowsOf(rows));
        Assert.NotEqual(0f, features.Mean[5002]);
        var raw = new float[rows.Length * loaded.FeatureCount];
        for (int i = 0; i < rows.Length; i++) rows[i].Features.CopyTo(raw.AsSpan(i * loaded.FeatureCount, loaded.FeatureCount));
        var expected = new float[rows.Length];
        var actual = new float[rows.Length];
        MlpTaskHead.Binary.Predict(loaded.Network, raw, expected, rows.Length);
        MlpTaskHead.Binary.Predict(state.Network, Dense(standardized), actual, rows.Length);
        for (int r = 0; r < rows.Length; r++)
            Assert.True(Math.Abs(actual[r] - expected[r]) <= 1e-3 * (1 + Math.Abs(expected[r])), $"row {r}: unfolded {actual[r]} vs {expected[r]}");

        var continued = ml.BinaryClassification.Trainers.Mlp(options).Fit(data, loaded);
        Assert.Equal(6, continued.Model.History.Count);
        var test = Census(ml, 1000, seed: 9, ageMean: 2010, ageDeviation: 5, ratioMissingEvery: 20);
        double before = ml.BinaryClassification.EvaluateNonCalibrated(trained.Transform(test)).AreaUnderRocCurve;
        double after = ml.BinaryClassification.EvaluateNonCalibrated(continued.Transform(test)).AreaUnderRocCurve;
        Assert.True(after >= before - 0.01, $"AUC {before:F4} before, {after:F4} after continuing");
    }

    private static TrainingData SparseRowsOf(Row[] rows)
    {
        var list = rows.Select(r => r.Features.GetIndices().ToArray().Zip(r.Features.GetValues().ToArray()).ToArray()).ToList();
        return Sparse(rows[0].Features.Length, list);
    }

    [Fact]
    public void ASparseTableOfAFewHundredRowsCrossValidatesItsPenaltyAsADenseOneDoes()
    {
        var ml = new MLContext(seed: 0);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source.Contains("Mlp", StringComparison.Ordinal)) lock (messages) messages.Add(e.Message); };

        var model = ml.BinaryClassification.Trainers.Mlp().Fit(Census(ml, 600, seed: 6));

        Assert.Contains(messages, m => m.Contains("L2 regularization chosen by 3-fold cross-validation", StringComparison.Ordinal));
        var auc = ml.BinaryClassification.EvaluateNonCalibrated(model.Transform(Census(ml, 1000, seed: 7))).AreaUnderRocCurve;
        Assert.True(auc > 0.8, $"AUC {auc:F4}");
    }

    [Fact]
    public void ASparseModelWithStandardizedColumnsContinuesTrainingOnSparseRows()
    {
        var ml = new MLContext(seed: 0);
        var train = Census(ml, 1500, seed: 3);
        var trainer = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { NumberOfEpochs = 2 });
        var first = trainer.Fit(train);

        var continued = trainer.Fit(Census(ml, 1500, seed: 4), first.Model);

        Assert.Equal(4, continued.Model.History.Count);
        var auc = ml.BinaryClassification.EvaluateNonCalibrated(continued.Transform(Census(ml, 1000, seed: 5))).AreaUnderRocCurve;
        Assert.True(auc > 0.84, $"AUC {auc:F4}");
    }
}
