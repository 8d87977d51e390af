using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Datasets;
using Xunit.Abstractions;

namespace MLNet.Mlp.Tests.Data;

public sealed class MnistLoaderTests : IDisposable
{
    private readonly IdxTestFiles _files = new();
    private readonly ITestOutputHelper _output;

    public MnistLoaderTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoadsScaledPixelsAndLabels(bool gzip)
    {
        string images = _files.WriteImages("img", count: 12, rows: 2, cols: 3, gzip);
        string labels = _files.WriteLabels("lbl", count: 12, gzip);

        MnistDataset data = MnistDataset.Load(images, labels);

        Assert.Equal(12, data.Count);
        Assert.Equal(2, data.ImageHeight);
        Assert.Equal(3, data.ImageWidth);
        Assert.Equal(6, data.FeatureCount);
        Assert.Equal(72, data.Features.Length);
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(i % 10, data.Labels.Span[i]);
            ReadOnlySpan<float> image = data.GetImage(i);
            for (int k = 0; k < 6; k++)
                Assert.Equal(IdxTestFiles.Pixel(i, k) / 255f, image[k]);
        }
    }

    [Fact]
    public void MaxRowsTakesThePrefix()
    {
        string images = _files.WriteImages("img", count: 10, rows: 2, cols: 2, gzip: true);
        string labels = _files.WriteLabels("lbl", count: 10, gzip: true);

        MnistDataset three = MnistDataset.Load(images, labels, maxRows: 3);
        MnistDataset all = MnistDataset.Load(images, labels, maxRows: 1000);

        Assert.Equal(3, three.Count);
        Assert.Equal([0f, 1f, 2f], three.Labels.ToArray());
        Assert.Equal(all.Features.Span[..12].ToArray(), three.Features.ToArray());
        Assert.Equal(10, all.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => MnistDataset.Load(images, labels, maxRows: -1));
    }

    [Fact]
    public void LabelCountDifferentFromImageCountThrows()
    {
        string images = _files.WriteImages("img", count: 5, rows: 2, cols: 2, gzip: false);
        string labels = _files.WriteLabels("lbl", count: 4, gzip: false);

        var ex = Assert.Throws<InvalidDataException>(() => MnistDataset.Load(images, labels));
        Assert.Contains(images, ex.Message);
        Assert.Contains(labels, ex.Message);
        Assert.Contains("label count 4 differs from the image count 5", ex.Message);
    }

    [Fact]
    public void ImagesWithWrongRankThrow()
    {
        string images = _files.WriteLabels("flat-images", count: 5, gzip: false);
        string labels = _files.WriteLabels("lbl", count: 5, gzip: false);

        var ex = Assert.Throws<InvalidDataException>(() => MnistDataset.Load(images, labels));
        Assert.Contains(images, ex.Message);
        Assert.Contains("dimension mismatch", ex.Message);
    }

    [Fact]
    public void LabelsWithWrongRankThrow()
    {
        string images = _files.WriteImages("img", count: 5, rows: 2, cols: 2, gzip: false);
        string labels = _files.WriteImages("lbl", count: 5, rows: 1, cols: 1, gzip: false);

        var ex = Assert.Throws<InvalidDataException>(() => MnistDataset.Load(images, labels));
        Assert.Contains(labels, ex.Message);
        Assert.Contains("dimension mismatch", ex.Message);
    }

    [Fact]
    public void TruncatedImagesFileThrows()
    {
        string whole = _files.WriteImages("img", count: 5, rows: 2, cols: 2, gzip: false);
        byte[] bytes = File.ReadAllBytes(whole);
        string images = _files.Write("img-cut.gz", bytes[..^1], gzip: true);
        string labels = _files.WriteLabels("lbl", count: 5, gzip: false);

        var ex = Assert.Throws<InvalidDataException>(() => MnistDataset.Load(images, labels));
        Assert.Contains(images, ex.Message);
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void SubsetSchemaIsFixedSizeVectorAndSingleLabel()
    {
        var ml = new MLContext(seed: 1);
        IDataView view = MnistLoader.Load(ml, TestData.MnistSubset.TrainImages, TestData.MnistSubset.TrainLabels);

        DataViewSchema.Column features = view.Schema[MnistLoader.FeaturesColumnName];
        var vector = Assert.IsType<VectorDataViewType>(features.Type);
        Assert.Equal(NumberDataViewType.Single, vector.ItemType);
        Assert.True(vector.IsKnownSize);
        Assert.Equal(784, vector.Size);
        Assert.Equal(NumberDataViewType.Single, view.Schema[MnistLoader.LabelColumnName].Type);
        Assert.Equal(2, view.Schema.Count);
        Assert.Equal(TestData.MnistSubset.TrainCount, view.GetRowCount());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SubsetValuesAreDigitsAndUnitPixels(bool train)
    {
        var ml = new MLContext(seed: 1);
        IDataView view = train
            ? ml.Data.LoadFromIdx(TestData.MnistSubset.TrainImages, TestData.MnistSubset.TrainLabels)
            : ml.Data.LoadFromIdx(TestData.MnistSubset.TestImages, TestData.MnistSubset.TestLabels);
        int expected = train ? TestData.MnistSubset.TrainCount : TestData.MnistSubset.TestCount;

        var perDigit = new int[10];
        float min = float.MaxValue, max = float.MinValue;
        int rows = 0;
        using (DataViewRowCursor cursor = view.GetRowCursor(view.Schema))
        {
            var getFeatures = cursor.GetGetter<VBuffer<float>>(view.Schema["Features"]);
            var getLabel = cursor.GetGetter<float>(view.Schema["Label"]);
            VBuffer<float> pixels = default;
            float label = 0;
            while (cursor.MoveNext())
            {
                getFeatures(ref pixels);
                getLabel(ref label);
                Assert.Equal(784, pixels.Length);
                Assert.True(pixels.IsDense);
                foreach (float p in pixels.GetValues())
                {
                    min = Math.Min(min, p);
                    max = Math.Max(max, p);
                }

                Assert.Equal(MathF.Round(label), label);
                Assert.InRange(label, 0f, 9f);
                perDigit[(int)label]++;
                rows++;
            }
        }

        Assert.Equal(expected, rows);
        Assert.Equal(0f, min);
        Assert.Equal(1f, max);
        Assert.All(perDigit, n => Assert.True(n > 0));
        _output.WriteLine($"per-digit counts: {string.Join(", ", perDigit)}");
    }

    [Fact]
    public void SubsetFirstTrainingLabelsMatchMnist()
    {
        // MNIST's training labels famously start 5, 0, 4, 1, 9, 2, 1, 3, 1, 4; the test labels 7, 2, 1, 0, 4.
        MnistDataset train = MnistDataset.Load(TestData.MnistSubset.TrainImages, TestData.MnistSubset.TrainLabels, maxRows: 10);
        MnistDataset test = MnistDataset.Load(TestData.MnistSubset.TestImages, TestData.MnistSubset.TestLabels, maxRows: 5);

        Assert.Equal([5f, 0f, 4f, 1f, 9f, 2f, 1f, 3f, 1f, 4f], train.Labels.ToArray());
        Assert.Equal([7f, 2f, 1f, 0f, 4f], test.Labels.ToArray());
    }

    [Fact]
    public void WorksInAnMlNetPipeline()
    {
        var ml = new MLContext(seed: 1);
        IDataView view = ml.Data.LoadFromIdx(TestData.MnistSubset.TestImages, TestData.MnistSubset.TestLabels);

        IDataView keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(view).Transform(view);
        var labelType = Assert.IsType<KeyDataViewType>(keyed.Schema["Label"].Type);
        Assert.Equal(10ul, labelType.Count);

        // Shuffling visits every row once, in another order.
        IDataView shuffled = ml.Data.ShuffleRows(view, seed: 3);
        float[] plain = view.GetColumn<float>("Label").ToArray();
        float[] mixed = shuffled.GetColumn<float>("Label").ToArray();
        Assert.Equal(plain.Length, mixed.Length);
        Assert.NotEqual(plain, mixed);
        Assert.Equal(plain.Order(), mixed.Order());

        var rows = ml.Data.CreateEnumerable<Row>(ml.Data.TakeRows(view, 3), reuseRowObject: false).ToArray();
        Assert.Equal([7f, 2f, 1f], rows.Select(r => r.Label));
        Assert.All(rows, r => Assert.Equal(784, r.Features.Length));
    }

    [Fact]
    public void CursorWithOnlyLabelRefusesFeatureGetter()
    {
        IDataView view = MnistDataset.Load(TestData.MnistSubset.TestImages, TestData.MnistSubset.TestLabels, maxRows: 4).ToDataView();
        using DataViewRowCursor cursor = view.GetRowCursor([view.Schema["Label"]]);

        Assert.False(cursor.IsColumnActive(view.Schema["Features"]));
        Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<VBuffer<float>>(view.Schema["Features"]));
        Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<double>(view.Schema["Label"]));
        var getLabel = cursor.GetGetter<float>(view.Schema["Label"]);
        float label = 0;
        Assert.Throws<InvalidOperationException>(() => getLabel(ref label));
        int n = 0;
        while (cursor.MoveNext())
            n++;
        Assert.Equal(4, n);
        Assert.Equal(-1, cursor.Position);
    }

    [Fact]
    public void FullMnistLoadsEveryImageWhenFetched()
    {
        // The full set is not committed; samples/get-data.sh fetches it. Without it there is nothing to time.
        string? dir = TestData.FullMnistDirectory;
        if (dir is null)
        {
            _output.WriteLine("samples/data/full/mnist not fetched: nothing to load.");
            return;
        }

        var watch = Stopwatch.StartNew();
        MnistDataset train = MnistDataset.Load(Path.Combine(dir, "train-images-idx3-ubyte.gz"), Path.Combine(dir, "train-labels-idx1-ubyte.gz"));
        watch.Stop();
        _output.WriteLine($"60,000 MNIST training images loaded in {watch.ElapsedMilliseconds} ms");

        Assert.Equal(60_000, train.Count);
        Assert.Equal(784, train.FeatureCount);
        Assert.InRange(train.Features.Span[..784].ToArray().Max(), 0.5f, 1f);
    }

    private sealed class Row
    {
        [VectorType(784)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}
