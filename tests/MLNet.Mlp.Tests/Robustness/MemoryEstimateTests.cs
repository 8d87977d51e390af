using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Tests.Trainers;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Robustness;

/// <summary>
/// Before the data is copied into memory, the bytes it needs — rows × (features + targets + weight) × 4 — are compared
/// with what the GC reports as available; data that cannot fit fails with both numbers instead of dying of out-of-memory
/// halfway. For a row count the view does not know, the check runs as the buffers grow.
/// </summary>
public class MemoryEstimateTests
{
    /// <summary>A view claiming a huge row count whose rows must never be read.</summary>
    private sealed class HugeView(long rows) : IDataView
    {
        public bool CanShuffle => false;

        public DataViewSchema Schema { get; } = BuildSchema();

        public long? GetRowCount() => rows;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
            => throw new InvalidOperationException("The rows were read although they cannot fit.");

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
            => [GetRowCursor(columnsNeeded, rand)];

        private static DataViewSchema BuildSchema()
        {
            var builder = new DataViewSchema.Builder();
            builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, 100));
            builder.AddColumn("Label", BooleanDataViewType.Instance);
            return builder.ToSchema();
        }
    }

    [Fact]
    public void AKnownRowCountThatCannotFitFailsBeforeAnyRowIsReadWithBothNumbers()
    {
        var ml = new MLContext(seed: 1);
        long rows = 1_000_000_000_000;
        long needed = rows * (100 + 1) * 4;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        Assert.True(needed > available);

        var e = Assert.Throws<InsufficientMemoryException>(() => ml.BinaryClassification.Trainers.Mlp(numberOfEpochs: 1).Fit(new HugeView(rows)));
        Assert.Contains($"need {needed:N0} bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains($"only {available:N0} bytes are available", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{rows:N0} rows", e.Message, StringComparison.Ordinal);
        Assert.Contains("100 features", e.Message, StringComparison.Ordinal);
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

        // 12 bytes per row (2 features + 1 target): a 60,000-byte budget holds 5,000 rows.
        var options = new MlpBinaryOptions { NumberOfEpochs = 1, AvailableMemoryBytes = 60_000 };
        var e = Assert.Throws<InsufficientMemoryException>(() => ml.BinaryClassification.Trainers.Mlp(options).Fit(data));
        Assert.Contains("only 60,000 bytes are available", e.Message, StringComparison.Ordinal);
        Assert.Contains("read so far", e.Message, StringComparison.Ordinal);
        Assert.InRange(produced, 5_000, 6_000);

        // Within budget the same reader trains normally.
        var small = ml.Data.LoadFromEnumerable(Rows().Take(3_000));
        Assert.Single(ml.BinaryClassification.Trainers.Mlp(options).Fit(small).Model.History);
    }
}
