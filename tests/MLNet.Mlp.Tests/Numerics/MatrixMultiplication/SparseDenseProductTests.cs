using MLNet.Mlp.Numerics.MatrixMultiplication;

namespace MLNet.Mlp.Tests.Numerics.MatrixMultiplication;

/// <summary>
/// <see cref="SparseDenseProduct"/>: every output element is the chain acc = MultiplyAddEstimate(m, x, acc) over the
/// non-zeros in order, whatever the layer's width and so whichever blocks and vector widths cover its units.
/// </summary>
public unsafe class SparseDenseProductTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(16)]
    [InlineData(33)]
    [InlineData(100)]
    [InlineData(128)]
    [InlineData(131)]
    [InlineData(300)]
    public void ForwardIsTheChainFromTheBiasOverEachRowsNonZerosInOrder(int units)
    {
        const int inputs = 50, rows = 9;
        var random = new Random(units);
        var (starts, indices, values) = RandomCsr(random, rows, inputs);
        var w = Values(random, inputs * units);
        var bias = Values(random, units);
        var z = new float[rows * units];
        fixed (int* s = starts, i = indices)
        fixed (float* v = values, pw = w, pb = bias, pz = z)
            SparseDenseProduct.Forward(2, rows, s, i, v, pw, units, pb, pz);

        for (int r = 0; r < rows; r++)
            for (int u = 0; u < units; u++)
            {
                float expected = 0f;
                if (r >= 2)
                {
                    expected = bias[u];
                    for (int k = starts[r]; k < starts[r + 1]; k++) expected = float.MultiplyAddEstimate(w[indices[k] * units + u], values[k], expected);
                }
                Assert.Equal(expected, z[r * units + u]);
            }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(100)]
    [InlineData(131)]
    [InlineData(300)]
    public void WeightGradientWritesEachSlotsRowAsTheChainFromZeroOverItsNonZerosInOrder(int units)
    {
        const int inputs = 40, rows = 12;
        var random = new Random(units + 1);
        // Slots 0..4 stand for inputs 3, 7, 8, 20, 39; slot 2 has no non-zero and must come out zero.
        int[] columns = [3, 7, 8, 20, 39];
        int[] starts = [0, 4, 5, 5, 9, 12];
        int[] rowsOf = [0, 2, 5, 11, 4, 1, 2, 3, 10, 0, 6, 7];
        var values = Values(random, rowsOf.Length);
        var delta = Values(random, rows * units);
        var g = Enumerable.Repeat(float.NaN, inputs * units).ToArray();
        fixed (int* s = starts, ro = rowsOf, c = columns)
        fixed (float* v = values, d = delta, pg = g)
            SparseDenseProduct.WeightGradient(0, columns.Length, s, ro, v, c, d, units, pg);

        for (int slot = 0; slot < columns.Length; slot++)
            for (int u = 0; u < units; u++)
            {
                float expected = 0f;
                for (int e = starts[slot]; e < starts[slot + 1]; e++) expected = float.MultiplyAddEstimate(delta[rowsOf[e] * units + u], values[e], expected);
                Assert.Equal(expected, g[columns[slot] * units + u]);
            }
        // Rows of inputs outside the slots are not written.
        Assert.True(float.IsNaN(g[0]) && float.IsNaN(g[4 * units]));
    }

    private static (int[] Starts, int[] Indices, float[] Values) RandomCsr(Random random, int rows, int inputs)
    {
        var starts = new int[rows + 1];
        var indices = new List<int>();
        for (int r = 0; r < rows; r++)
        {
            // Row 1 is empty; the others hold up to a third of the inputs, ascending.
            if (r != 1)
                for (int j = 0; j < inputs; j++)
                    if (random.NextDouble() < 0.3) indices.Add(j);
            starts[r + 1] = indices.Count;
        }
        return (starts, indices.ToArray(), Values(random, indices.Count));
    }

    private static float[] Values(Random random, int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
}
