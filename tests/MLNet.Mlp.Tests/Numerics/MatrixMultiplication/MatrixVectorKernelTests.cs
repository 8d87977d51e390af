using MLNet.Mlp.Numerics.MatrixMultiplication;

namespace MLNet.Mlp.Tests.Numerics.MatrixMultiplication;

public class MatrixVectorKernelTests
{
    // Widths that leave every remainder path (groups of 32, of 8, single outputs; 16 and 4 for 128-bit) and depths that
    // span several depth blocks and end in a partial step.
    private static readonly (int N, int K)[] Shapes = [(128, 784), (10, 128), (1, 1), (37, 300), (45, 513), (8, 7), (3, 1000)];

    private static bool Runnable(GemmKernelKind kind)
        => kind switch
        {
            GemmKernelKind.Vector512 => GemmDriver.DefaultKind == GemmKernelKind.Vector512,
            GemmKernelKind.Vector256 => System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated,
            _ => true,
        };

    [Theory]
    [InlineData((int)GemmKernelKind.Scalar, false)]
    [InlineData((int)GemmKernelKind.Scalar, true)]
    [InlineData((int)GemmKernelKind.Vector256, false)]
    [InlineData((int)GemmKernelKind.Vector256, true)]
    [InlineData((int)GemmKernelKind.Vector512, false)]
    [InlineData((int)GemmKernelKind.Vector512, true)]
    public void WithBTransposedEveryRowIsBitIdenticalToMultiplyingItAlone(int kindValue, bool accumulate)
    {
        // A dense layer's forward pass: PredictionEngine scores one row, Transform scores blocks of rows, and both must agree.
        var kind = (GemmKernelKind)kindValue;
        if (!Runnable(kind))
        {
            return;
        }

        // The 512-bit family's blocks of up to DotMaxRows rows have their own one-row agreement; larger ones differ by design.
        int[] heights = kind == GemmKernelKind.Vector512 ? [2, GemmDriver.DotMaxRows] : [2, GemmDriver.DotMaxRows, 40, 257];
        foreach ((int n, int k) in Shapes)
        {
            foreach (int m in heights)
            {
                var rng = new Random(m * 31 + n * 7 + k);
                float[] a = RandomArray(rng, m * k), w = RandomArray(rng, n * k), bias = RandomArray(rng, n), initial = RandomArray(rng, m * n);
                foreach (bool withBias in new[] { false, true })
                {
                    float[] batch = (float[])initial.Clone();
                    MatrixMultiply.Multiply(a, false, w, true, batch, m, n, k, withBias ? bias : default, accumulate, 2, kind);
                    for (int i = 0; i < m; i++)
                    {
                        float[] row = initial.AsSpan(i * n, n).ToArray();
                        MatrixMultiply.Multiply(a.AsSpan(i * k, k), false, w, true, row, 1, n, k, withBias ? bias : default, accumulate, 1, kind);
                        for (int j = 0; j < n; j++)
                        {
                            Assert.True(BitConverter.SingleToInt32Bits(row[j]) == BitConverter.SingleToInt32Bits(batch[i * n + j]),
                                $"{kind} {m}x{n}x{k} bias={withBias}: row {i} column {j}: alone {row[j]:R}, in the batch {batch[i * n + j]:R}");
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData((int)GemmKernelKind.Scalar)]
    [InlineData((int)GemmKernelKind.Vector256)]
    public void OneRowWithBTransposedMatchesDoublePrecision(int kindValue)
    {
        var kind = (GemmKernelKind)kindValue;
        if (!Runnable(kind))
        {
            return;
        }

        foreach ((int n, int k) in Shapes)
        {
            var rng = new Random(n * 7 + k);
            float[] x = RandomArray(rng, k), w = RandomArray(rng, n * k), bias = RandomArray(rng, n);
            float[] y = new float[n];
            MatrixMultiply.Multiply(x, false, w, true, y, 1, n, k, bias, false, 1, kind);
            for (int j = 0; j < n; j++)
            {
                double expected = bias[j], magnitude = Math.Abs(bias[j]);
                for (int p = 0; p < k; p++)
                {
                    expected += (double)x[p] * w[j * k + p];
                    magnitude += Math.Abs((double)x[p] * w[j * k + p]);
                }

                Assert.True(Math.Abs(y[j] - expected) <= 1e-5 * magnitude, $"{kind} 1x{n}x{k}: column {j}: {y[j]:R}, expected {expected:R}");
            }
        }
    }

    private static float[] RandomArray(Random rng, int length)
    {
        var x = new float[length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        return x;
    }
}
