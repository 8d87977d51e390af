using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Training;

public class BatchGatherTests
{
    [Theory]
    [InlineData(64, 784, 2)]   // split over the cores
    [InlineData(20, 784, 2)]
    [InlineData(64, 784, 1)]
    [InlineData(3, 10, 2)]     // too small to split
    [InlineData(1, 784, 2)]
    public void CopiesTheShuffledRowsInOrderWhateverTheThreadCount(int rows, int width, int maxThreads)
    {
        var random = new Random(rows + width);
        const int datasetRows = 500;
        float[] source = Enumerable.Range(0, datasetRows * width).Select(i => (float)i).ToArray();
        int[] order = Enumerable.Range(0, datasetRows).OrderBy(_ => random.Next()).ToArray();
        const int start = 37;
        float[] destination = new float[rows * width + 5];
        destination.AsSpan().Fill(-1f);

        new BatchGather().Run(source, width, order, start, rows, destination, maxThreads);

        for (int r = 0; r < rows; r++)
            Assert.True(source.AsSpan(order[start + r] * width, width).SequenceEqual(destination.AsSpan(r * width, width)), $"row {r}");
        Assert.All(destination[(rows * width)..], v => Assert.Equal(-1f, v));
    }
}
