using MLNet.Mlp.Numerics.MatrixMultiplication;

namespace MLNet.Mlp.Tests.Numerics.MatrixMultiplication;

/// <summary>
/// Every register-tile kernel computes each output element as one accumulation chain in k order per depth block,
/// then adds bias and the old C in a fixed order: so it must equal, bit for bit, a plain loop doing the same
/// (fused or multiply-then-add, as the family does), whatever tile, edge or thread computed the element.
/// </summary>
[Collection(SequentialCollection.Name)]
public class KernelExactnessTests
{
    // Heights around both tile heights (6, 12), widths around both tile widths (16, 32) and the one-row
    // 128-column path, depths of one and of two depth blocks.
    private static readonly int[] Heights = [1, 2, 5, 6, 7, 11, 12, 13, 25];
    private static readonly int[] Widths = [1, 7, 8, 15, 16, 17, 31, 33, 130];
    private static readonly int[] Depths = [1, 3, 300];

    public static TheoryData<int> Kinds() => new(GemmKernels.All.Select(k => (int)k));

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryKernelEqualsAKOrderReferenceBitForBitOnEveryEdgeShape(int kindValue)
    {
        var kind = (GemmKernelKind)kindValue;
        if (!GemmKernels.Runs(kind))
        {
            return; // not runnable on this machine
        }

        bool fused = GemmKernels.IsFused(kind);
        var rng = new Random(kindValue);
        int checkedShapes = 0;
        foreach (int m in Heights)
        {
            foreach (int n in Widths)
            {
                foreach (int k in Depths)
                {
                    float[] a = RandomArray(rng, m * k), b = RandomArray(rng, k * n), bias = RandomArray(rng, n), initial = RandomArray(rng, m * n);
                    foreach (bool ta in new[] { false, true })
                    {
                        foreach (bool tb in new[] { false, true })
                        {
                            // A·Bᵀ with few rows on AVX-512 goes to the dot-product kernel, which sums in lanes (its own tests cover it).
                            if (kind == GemmKernelKind.Vector512 && tb && !ta && m <= GemmDriver.DotMaxRows)
                            {
                                continue;
                            }

                            bool withBias = (m + n + k) % 2 == 0;
                            bool accumulate = (m + k) % 3 != 0;
                            float[] expected = Reference(a, ta, b, tb, initial, withBias ? bias : null, accumulate, m, n, k, fused);
                            foreach (int threads in new[] { 1, 2 })
                            {
                                float[] c = (float[])initial.Clone();
                                MatrixMultiply.Multiply(a, ta, b, tb, c, m, n, k, withBias ? bias : default, accumulate, threads, kind);
                                for (int idx = 0; idx < c.Length; idx++)
                                {
                                    if (BitConverter.SingleToInt32Bits(c[idx]) != BitConverter.SingleToInt32Bits(expected[idx]))
                                    {
                                        Assert.Fail($"{kind} {m}x{n}x{k} ta={ta} tb={tb} bias={withBias} accumulate={accumulate} threads={threads}: " +
                                            $"C[{idx / n},{idx % n}] = {c[idx]:R}, the k-order reference gives {expected[idx]:R}");
                                    }
                                }
                            }

                            checkedShapes++;
                        }
                    }
                }
            }
        }

        Assert.True(checkedShapes > 500, $"only {checkedShapes} shapes checked");
    }

    [Fact]
    public void LargeShapesSplitOverThreadsEqualTheReferenceOnTheDefaultKernel()
    {
        // Big enough for the parallel split, the whole-operand packing and several column blocks.
        GemmKernelKind kind = GemmDriver.DefaultKind;
        bool fused = GemmKernels.IsFused(kind);
        foreach ((int m, int n, int k, bool ta, bool tb) in new[] { (70, 2100, 40, false, false), (256, 300, 520, true, false), (100, 90, 784, false, true) })
        {
            var rng = new Random(m + n + k);
            float[] a = RandomArray(rng, m * k), b = RandomArray(rng, k * n), bias = RandomArray(rng, n), initial = new float[m * n];
            float[] expected = Reference(a, ta, b, tb, initial, bias, false, m, n, k, fused);
            float[] c = new float[m * n];
            MatrixMultiply.Multiply(a, ta, b, tb, c, m, n, k, bias, false, 2, kind);
            Assert.Equal(expected, c);
        }
    }

    // The kernels' contract spelled out as a loop: per depth block one chain from zero, then (first block) + bias,
    // then + the old C when there is one (a later block, or accumulate).
    private static float[] Reference(float[] a, bool ta, float[] b, bool tb, float[] initial, float[]? bias, bool accumulate, int m, int n, int k, bool fused)
    {
        float[] c = (float[])initial.Clone();
        int block = GemmDriver.DepthBlock(k);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                int idx = i * n + j;
                for (int p0 = 0; p0 < k; p0 += block)
                {
                    float acc = 0f;
                    for (int p = p0; p < Math.Min(k, p0 + block); p++)
                    {
                        float x = ta ? a[p * m + i] : a[i * k + p];
                        float y = tb ? b[j * k + p] : b[p * n + j];
                        acc = fused ? MathF.FusedMultiplyAdd(x, y, acc) : (x * y) + acc;
                    }

                    bool first = p0 == 0;
                    float v = acc;
                    if (first && bias != null)
                    {
                        v += bias[j];
                    }

                    if (!first || accumulate)
                    {
                        v += c[idx];
                    }

                    c[idx] = v;
                }
            }
        }

        return c;
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
