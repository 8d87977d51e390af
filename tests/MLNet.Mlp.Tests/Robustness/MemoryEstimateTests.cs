using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Activations;
using MLNet.Mlp.Fitting;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Tasks;
using MLNet.Mlp.Tests.Trainers;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Robustness;

/// <summary>
/// Before anything is allocated, one estimate of the memory the whole fit needs — the data, the parameters and
/// gradients, the optimizer state, the copies training keeps and the batch buffers — is compared with the memory
/// available; a fit that cannot have it fails with an <see cref="InsufficientMemoryException"/> giving both numbers,
/// the largest parts and the option to change, instead of an overflow or an out-of-memory halfway. For a row count the
/// view does not know, the model's part is checked before reading and the data's as the buffers grow.
/// </summary>
public class MemoryEstimateTests
{
    /// <summary>A view claiming a row count whose rows must never be read.</summary>
    private sealed class UnreadableView(long rows, int features = 100) : IDataView
    {
        public bool CanShuffle => false;

        public DataViewSchema Schema { get; } = BuildSchema(features);

        public long? GetRowCount() => rows;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
            => throw new InvalidOperationException("The rows were read although the fit cannot fit.");

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
            => [GetRowCursor(columnsNeeded, rand)];

        private static DataViewSchema BuildSchema(int features)
        {
            var builder = new DataViewSchema.Builder();
            builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, features));
            builder.AddColumn("Label", BooleanDataViewType.Instance);
            return builder.ToSchema();
        }
    }

    [Fact]
    public void AKnownRowCountThatCannotFitFailsBeforeAnyRowIsReadWithTheDataAsTheLargestPart()
    {
        var ml = new MLContext(seed: 1);
        long rows = 1_000_000_000_000;
        long dataBytes = rows * (100 + 1) * 4;

        var e = Assert.Throws<InsufficientMemoryException>(() => ml.BinaryClassification.Trainers.Mlp(numberOfEpochs: 1).Fit(new UnreadableView(rows)));
        Assert.Contains($"for {rows:N0} rows (the data view reports)", e.Message, StringComparison.Ordinal);
        Assert.Contains($"training data ({rows:N0} rows × (100 features + 1 target(s))): {dataBytes:N0} bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("bytes are available", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownRowCountIsCheckedAsTheBuffersGrowAndStopsReadingEarly()
    {
        var ml = new MLContext(seed: 1);
        int produced = 0;
        IEnumerable<SyntheticData.BoolLabelRow> Rows()
        {
            var random = new Random(1);
            for (int i = 0; i < 100_000; i++)
            {
                produced++;
                yield return new SyntheticData.BoolLabelRow { Features = [(float)random.NextDouble(), (float)random.NextDouble()], Label = i % 2 == 0 };
            }
        }
        var data = ml.Data.LoadFromEnumerable(Rows());
        Assert.Null(data.GetRowCount());

        // The model's part, plus 24 bytes per row (2 features + 1 target as read; output, target and shuffle index per epoch), for 5,000 rows.
        var options = new MlpBinaryOptions { NumberOfEpochs = 1 };
        var estimate = MemoryEstimate.For(options, MlpTaskHead.Binary, 2, new LabelShape(1, 1, 2), separateValidation: false);
        long modelBytes = MemoryEstimate.Total(estimate.Parts(0, 0, rowsFinal: false));
        Assert.Equal(24, MemoryEstimate.Total(estimate.Parts(1, 0, rowsFinal: false)) - modelBytes);
        options.AvailableMemoryBytes = modelBytes + 5_000 * 24;

        var e = Assert.Throws<InsufficientMemoryException>(() => ml.BinaryClassification.Trainers.Mlp(options).Fit(data));
        Assert.Contains($"{options.AvailableMemoryBytes:N0} bytes are available", e.Message, StringComparison.Ordinal);
        Assert.Contains("read so far", e.Message, StringComparison.Ordinal);
        Assert.InRange(produced, 5_000, 6_000);

        // Within budget the same reader trains normally.
        var small = ml.Data.LoadFromEnumerable(Rows().Take(3_000));
        Assert.Single(ml.BinaryClassification.Trainers.Mlp(options).Fit(small).Model.History);
    }

    [Fact]
    public void TwoMillionWideHiddenLayersAreRefusedAtOnceNamingMemoryAndHiddenLayersInsteadOfOverflowing()
    {
        var ml = new MLContext(seed: 1);
        var options = new MlpBinaryOptions { HiddenLayers = [1_000_000, 1_000_000], NumberOfEpochs = 1 };
        var clock = Stopwatch.StartNew();

        var e = Assert.Throws<InsufficientMemoryException>(() => ml.BinaryClassification.Trainers.Mlp(options).Fit(new UnreadableView(100, features: 10)));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 1);
        Assert.Contains("bytes of memory", e.Message, StringComparison.Ordinal);
        Assert.Contains("HiddenLayers", e.Message, StringComparison.Ordinal);
        Assert.Contains($".NET's limit of {Array.MaxLength:N0} values in one array", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AHundredThousandWideLayerOnSixThousandFeaturesIsRefusedBeforeAnythingIsAllocated()
    {
        var ml = new MLContext(seed: 1);
        var options = new MlpBinaryOptions { HiddenLayers = [100_000], NumberOfEpochs = 1, AvailableMemoryBytes = 8_000_000_000 };
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();

        var e = Assert.Throws<InsufficientMemoryException>(() => ml.BinaryClassification.Trainers.Mlp(options).Fit(new UnreadableView(1_000, features: 6_000)));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 1);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 10_000_000);
        // 6,000 × 100,000 + 100,000 + 100,000 + 1 parameters; Adam keeps two values for each. Wide enough to be read
        // sparse, the model alone is counted before the first row tells the layout, as for sparse rows, its smallest part:
        // no copy for the divergence guard, which a lazy sparse step does without.
        long parameters = 600_200_001;
        Assert.Contains($"parameters and gradients of 6000 → Dense(100000, Relu) → Dense(1, Sigmoid) ({parameters:N0} parameters): {parameters * 8:N0} bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains($"optimizer state (Adam, 2 value(s) per parameter): {parameters * 8:N0} bytes", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("divergence guard", e.Message, StringComparison.Ordinal);
        Assert.Contains("8,000,000,000 bytes are available", e.Message, StringComparison.Ordinal);
        Assert.Contains("Change HiddenLayers", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DataThatFitsIsStillRefusedWhenTheModelDoesNot()
    {
        var ml = new MLContext(seed: 1);
        var options = new MlpBinaryOptions { HiddenLayers = [2_000, 2_000], NumberOfEpochs = 1, AvailableMemoryBytes = 10_000_000 };

        var e = Assert.Throws<InsufficientMemoryException>(() => ml.BinaryClassification.Trainers.Mlp(options).Fit(new UnreadableView(100, features: 10)));
        // The data alone, 100 × (10 + 1) × 4 bytes, is far below the 10 MB available.
        Assert.Contains("The training data as read takes 4,400 bytes of it.", e.Message, StringComparison.Ordinal);
        Assert.Contains("10,000,000 bytes are available", e.Message, StringComparison.Ordinal);
        Assert.Contains("Largest parts: divergence guard's copy of the last completed epoch", e.Message, StringComparison.Ordinal);
        Assert.Contains("Change HiddenLayers", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheEstimateOfAKnownNetworkCountsEveryBufferToTheByte()
    {
        // 3 features → Dense(4) → Dense(1): P = 3·4 + 4 + 4·1 + 1 = 21 parameters, no batch-norm state; Adam keeps 2 per parameter.
        var options = new MlpBinaryOptions { HiddenLayers = [4], BatchSize = 4, Optimizer = new AdamOptimizer() };
        var estimate = MemoryEstimate.For(options, MlpTaskHead.Binary, 3, new LabelShape(1, 1, 2), separateValidation: false);
        Assert.Equal(21, estimate.ParameterCount);

        var parts = estimate.Parts(10, 0, rowsFinal: true);
        long[] expected =
        [
            10 * (3 + 1) * 4,             // the data read: 10 rows × (3 features + 1 target)
            10 * (1 + 1 + 1) * 4,         // per training row: output, target, shuffle index
            (2 * 21) * 4,                 // parameters and gradients
            (2 * 21) * 4,                 // Adam's two moments
            (21 + 2 * 21) * 4,            // divergence guard: parameters and the optimizer state
            (2 * 21) * 4,                 // the model folded for raw features (StandardizeFeatures): parameters and gradients
            (4 * 4 + 4 * 1                // batch of 4: layer outputs,
             + 4 * 4 + 4 * 1              // layer caches (pre-activations),
             + 2 * 4 * 4                  // two gradients as wide as the widest layer,
             + 4 * (3 + 1)) * 4,          // the gathered features and targets
        ];
        Assert.Equal(expected, parts.Select(p => p.Bytes));
        Assert.Equal(1_388, MemoryEstimate.Total(parts));
        Assert.Equal(expected.Sum(), MemoryEstimate.Total(parts));
    }

    [Fact]
    public void SparseRowsAreCountedByTheirNonZerosNotByTheirWidth()
    {
        // 200,000 features → Dense(128) → Dense(1): the model is the same dense or sparse; the data is not.
        var options = new MlpBinaryOptions { BatchSize = 32 };
        var estimate = MemoryEstimate.For(options, MlpTaskHead.Binary, 200_000, new LabelShape(1, 1, 2), separateValidation: false);
        long denseData = estimate.Parts(10_000, 0, rowsFinal: true)[0].Bytes;
        Assert.Equal(10_000L * (200_000 + 1) * 4, denseData);

        estimate.UseSparseRows(150);
        var parts = estimate.Parts(10_000, 0, rowsFinal: true);
        // 150 non-zeros: an index and a value each, and a row offset, and the target.
        Assert.Equal(10_000L * (2 * 150 + 1 + 1) * 4, parts[0].Bytes);
        // Its largest array holds the non-zeros, not rows × features (which would pass .NET's array limit here).
        Assert.Equal(10_000L * 150, parts[0].LargestArray);
        // Lazy Adam steps keep no divergence snapshot.
        Assert.DoesNotContain(parts, p => p.Name.StartsWith("divergence guard", StringComparison.Ordinal));
        // The batch: 32 rows of (301 + 1) floats, the 200,000 column marks, and Adam's lazy copies of a chunk of at
        // most 256 of the 32 × 301 touched columns × 128 units and of the 257 later parameters (128 + 1 weights and
        // biases, and the first layer's 128 biases), four values each (parameter, gradient, two moments).
        long batch = parts.Single(p => p.Name.StartsWith("batch buffers", StringComparison.Ordinal)).Bytes;
        long workspace = (32L * 128 + 32 + 32L * 128 + 32 + 2 * 32 * 128) * 4;
        Assert.Equal(workspace + (32L * 302 + 200_000 + 4L * 256 * 128 + 4L * 257) * 4, batch);
    }

    [Fact]
    public void AWideModelOnSparseRowsIsNotRefusedForTheCopiesOnlyDenseRowsNeed()
    {
        // 20,000 features → Dense(128) → Dense(1): 2.56 M parameters. Counted as for dense rows before the first row is
        // read (the divergence guard's copy, the folded model, a dense batch) the model alone needs about 95 MB; as the
        // sparse rows it trains on, about 45 MB, and the whole fit a little more. With 64 MB available it trains.
        var ml = new MLContext(seed: 1);
        var random = new Random(3);
        var rows = Enumerable.Range(0, 500).Select(_ =>
        {
            int[] indices = [.. Enumerable.Range(0, 20).Select(_ => random.Next(20_000)).Distinct().Order()];
            float[] values = [.. indices.Select(_ => 1f / MathF.Sqrt(indices.Length))];
            return new SparseExample { Label = indices[0] % 2 == 0, Features = new VBuffer<float>(20_000, indices.Length, values, indices) };
        }).ToList();
        var schema = SchemaDefinition.Create(typeof(SparseExample));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 20_000);
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        var options = new MlpBinaryOptions { NumberOfEpochs = 1, AvailableMemoryBytes = 64_000_000 };
        var dense = MemoryEstimate.For(options, MlpTaskHead.Binary, data.Schema, separateValidation: false);
        Assert.True(MemoryEstimate.Total(dense.Parts(0, 0, rowsFinal: false)) > options.AvailableMemoryBytes);

        var model = ml.BinaryClassification.Trainers.Mlp(options).Fit(data);

        Assert.Equal(20_000, model.Model.FeatureCount);
    }

    private sealed class SparseExample
    {
        public bool Label { get; set; }

        public VBuffer<float> Features { get; set; }
    }

    [Fact]
    public void TheEstimateCountsValidationBestWeightsAndBatchNormWhenTheOptionsAskForThem()
    {
        var plain = new MlpBinaryOptions { HiddenLayers = [4], BatchSize = 4 };
        var full = new MlpBinaryOptions
        {
            HiddenLayers = [4],
            BatchSize = 4,
            BatchNormalization = true,
            ValidationFraction = 0.2f,
            EarlyStopping = new EarlyStopping { RestoreBestWeights = true },
        };
        var label = new LabelShape(1, 1, 2);
        var a = MemoryEstimate.For(plain, MlpTaskHead.Binary, 3, label, separateValidation: false).Parts(10, 0, rowsFinal: true);
        var b = MemoryEstimate.For(full, MlpTaskHead.Binary, 3, label, separateValidation: false).Parts(10, 0, rowsFinal: true);

        Assert.DoesNotContain(a, p => p.Name.Contains("validation", StringComparison.Ordinal) || p.Name.Contains("best epoch", StringComparison.Ordinal));
        Assert.Contains(b, p => p.Name.StartsWith("training and validation parts", StringComparison.Ordinal) && p.Bytes == 10 * 4 * 4);
        Assert.Contains(b, p => p.Name == "validation outputs" && p.Bytes == 2 * 1 * 4);
        // Batch norm after the hidden layer adds 2·4 parameters and 2·4 running statistics: P = 29, S = 8.
        Assert.Contains(b, p => p.Name.StartsWith("best epoch's weights", StringComparison.Ordinal) && p.Bytes == (29 + 8) * 4);
    }

    [Fact]
    public void ANetworkTooLargeForOneArrayIsRefusedByTheConstructorWithoutBuildingItsLayers()
    {
        var first = new DenseLayer(1_000_000, Activation.Relu);
        var second = new DenseLayer(1_000_000, Activation.Relu);

        var e = Assert.Throws<InsufficientMemoryException>(() => new Network(1_000_000, first, second));
        Assert.Contains("layer 1, Dense(1000000, Relu) on 1,000,000 inputs, alone has 1,000,001,000,000", e.Message, StringComparison.Ordinal);
        Assert.Contains("Use narrower layers", e.Message, StringComparison.Ordinal);
        // Nothing was built: the layers still go into a network that fits.
        _ = new Network(2, first, new DenseLayer(1));
    }

    [Fact]
    public void ABatchTooLargeForOneArrayIsRefusedByTheTrainingStepInsteadOfOverflowing()
    {
        var network = new Network(1, new DenseLayer(50_000, Activation.Relu), new DenseLayer(1));

        var e = Assert.Throws<InsufficientMemoryException>(() => new TrainingStep(network, maxBatchRows: 50_000));
        Assert.Contains("A batch of 50,000 rows needs 2,500,000,000 values for layer Dense(50000, Relu)", e.Message, StringComparison.Ordinal);
    }
}
