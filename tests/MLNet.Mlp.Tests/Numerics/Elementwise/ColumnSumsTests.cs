using MLNet.Mlp.Numerics.Elementwise;

namespace MLNet.Mlp.Tests.Numerics.Elementwise;

/// <summary>The bias gradient's column sums: rows added in order, every width (vector body and tail), old contents replaced.</summary>
public class ColumnSumsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(64, 10)]
    [InlineData(20, 128)]
    [InlineData(3, 37)]
    [InlineData(7, 8)]
    public void Compute_AddsTheRowsInOrderIntoFreshSums(int rows, int columns)
    {
        var random = new Random(rows * 1000 + columns);
        var matrix = Enumerable.Range(0, rows * columns).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var sums = Enumerable.Repeat(123f, columns + 2).ToArray();
        ColumnSums.Compute(matrix, rows, columns, sums);
        for (int j = 0; j < columns; j++)
        {
            float expected = 0f;
            for (int r = 0; r < rows; r++) expected += matrix[r * columns + j];
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(sums[j]));
        }
        Assert.Equal(123f, sums[columns]);
    }

    [Fact]
    public void Compute_RejectsAShortMatrixOrShortSums()
    {
        Assert.Equal("matrix", Assert.Throws<ArgumentException>(() => ColumnSums.Compute(new float[5], 2, 3, new float[3])).ParamName);
        Assert.Equal("sums", Assert.Throws<ArgumentException>(() => ColumnSums.Compute(new float[6], 2, 3, new float[2])).ParamName);
    }
}
