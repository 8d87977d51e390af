using MLNet.Mlp.Numerics.MatrixMultiplication;
using MLNet.Mlp.Numerics.Parallel;

namespace MLNet.Mlp.Tests.Numerics.MatrixMultiplication;

[Collection(SequentialCollection.Name)]
public class MatrixMultiplyTests
{
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1),
        (7, 5, 13),
        (20, 128, 784),
        (257, 129, 300),
        (1, 128, 784),
        (33, 65, 1),
    ];

    public static TheoryData<int, int, int, bool, bool> ShapeVariants()
    {
        var data = new TheoryData<int, int, int, bool, bool>();
        foreach ((int m, int n, int k) in Shapes)
        {
            foreach (bool ta in new[] { false, true })
            {
                foreach (bool tb in new[] { false, true })
                {
                    data.Add(m, n, k, ta, tb);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShapeVariants))]
    public void MatchesDoublePrecisionReference(int m, int n, int k, bool transposeA, bool transposeB)
    {
        var rng = new Random(m * 7919 + n * 104729 + k * 31 + (transposeA ? 1 : 0) + (transposeB ? 2 : 0));
        float[] a = RandomArray(rng, m * k);
        float[] b = RandomArray(rng, k * n);
        float[] bias = RandomArray(rng, n);
        float[] initial = RandomArray(rng, m * n);
        (double[] product, double[] magnitude) = Reference(a, transposeA, b, transposeB, m, n, k);

        foreach (bool withBias in new[] { false, true })
        {
            foreach (bool accumulate in new[] { false, true })
            {
                float[]? single = null;
                foreach (int threads in new[] { 1, 2 })
                {
                    float[] c = (float[])initial.Clone();
                    MatrixMultiply.Multiply(a, transposeA, b, transposeB, c, m, n, k,
                        withBias ? bias : default, accumulate, threads);

                    for (int i = 0; i < m; i++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            int idx = i * n + j;
                            double expected = product[idx] + (withBias ? bias[j] : 0) + (accumulate ? initial[idx] : 0);
                            double scale = magnitude[idx] + (withBias ? Math.Abs(bias[j]) : 0) + (accumulate ? Math.Abs(initial[idx]) : 0);
                            double error = Math.Abs(c[idx] - expected);
                            Assert.True(error <= 1e-5 * scale + 1e-30,
                                $"C[{i},{j}] = {c[idx]} but expected {expected} (bias={withBias}, accumulate={accumulate}, threads={threads})");
                        }
                    }

                    if (single is null)
                    {
                        single = c;
                    }
                    else
                    {
                        Assert.Equal(single, c); // bit-identical for 1 and 2 threads
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void LargeSplitIsBitIdenticalAcrossThreadCounts(bool transposeA, bool transposeB)
    {
        // Big enough that the n-split, the m-split and the few-row dot path all take the two-thread path.
        foreach ((int m, int n, int k) in new[] { (64, 784, 128), (300, 40, 520), (20, 150, 1001), (1, 1000, 700) })
        {
            var rng = new Random(m + n + k);
            float[] a = RandomArray(rng, m * k);
            float[] b = RandomArray(rng, k * n);
            float[] bias = RandomArray(rng, n);
            float[] one = new float[m * n];
            MatrixMultiply.Multiply(a, transposeA, b, transposeB, one, m, n, k, bias, false, 1);

            // Also with the per-thread whole-operand cache disabled, so chunks pack block by block.
            foreach (long cap in new[] { GemmDriver.WholeOperandMaxFloats, 0L })
            {
                long saved = GemmDriver.WholeOperandMaxFloats;
                GemmDriver.WholeOperandMaxFloats = cap;
                try
                {
                    float[] two = new float[m * n];
                    MatrixMultiply.Multiply(a, transposeA, b, transposeB, two, m, n, k, bias, false, 2);
                    Assert.Equal(one, two);
                }
                finally
                {
                    GemmDriver.WholeOperandMaxFloats = saved;
                }
            }
        }
    }

    [Theory]
    [InlineData((int)GemmKernelKind.Scalar)]
    [InlineData((int)GemmKernelKind.Vector128)]
    [InlineData((int)GemmKernelKind.Vector256)]
    [InlineData((int)GemmKernelKind.Vector512)]
    public void EveryKernelFamilyMatchesReference(int kindValue)
    {
        var kind = (GemmKernelKind)kindValue;
        if (!GemmKernels.Runs(kind))
        {
            return; // not runnable on this machine
        }

        foreach ((int m, int n, int k) in new[] { (7, 5, 13), (37, 70, 300) })
        {
            foreach (bool ta in new[] { false, true })
            {
                foreach (bool tb in new[] { false, true })
                {
                    var rng = new Random(m ^ n ^ k);
                    float[] a = RandomArray(rng, m * k);
                    float[] b = RandomArray(rng, k * n);
                    float[] bias = RandomArray(rng, n);
                    float[] c = RandomArray(rng, m * n);
                    float[] initial = (float[])c.Clone();
                    MatrixMultiply.Multiply(a, ta, b, tb, c, m, n, k, bias, true, 2, kind);
                    (double[] product, double[] magnitude) = Reference(a, ta, b, tb, m, n, k);
                    for (int idx = 0; idx < m * n; idx++)
                    {
                        int j = idx % n;
                        double expected = product[idx] + bias[j] + initial[idx];
                        double scale = magnitude[idx] + Math.Abs(bias[j]) + Math.Abs(initial[idx]);
                        Assert.True(Math.Abs(c[idx] - expected) <= 1e-5 * scale, $"{kind} {m}x{n}x{k} ta={ta} tb={tb} at {idx}");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData((int)GemmKernelKind.Scalar)]
    [InlineData((int)GemmKernelKind.Vector128)]
    [InlineData((int)GemmKernelKind.Vector256)]
    [InlineData((int)GemmKernelKind.Vector512)]
    public void WithBInRowMajorEveryRowIsBitIdenticalToMultiplyingItAlone(int kindValue)
    {
        // Inference scores whole blocks of rows and must give what one-row scoring (PredictionEngine) gives.
        var kind = (GemmKernelKind)kindValue;
        if (!GemmKernels.Runs(kind))
        {
            return; // not runnable on this machine
        }

        foreach ((int m, int n, int k) in new[] { (256, 128, 784), (300, 10, 128), (40, 1024, 300), (33, 257, 1000), (64, 1, 37), (500, 512, 256) })
        {
            var rng = new Random(m * 31 + n * 7 + k);
            float[] a = RandomArray(rng, m * k), b = RandomArray(rng, k * n), bias = RandomArray(rng, n);
            foreach (int threads in new[] { 1, 2 })
            {
                float[] batch = new float[m * n];
                MatrixMultiply.Multiply(a, false, b, false, batch, m, n, k, bias, false, threads, kind);
                float[] row = new float[n];
                for (int i = 0; i < m; i++)
                {
                    MatrixMultiply.Multiply(a.AsSpan(i * k, k), false, b, false, row, 1, n, k, bias, false, 1, kind);
                    for (int j = 0; j < n; j++)
                    {
                        Assert.True(BitConverter.SingleToInt32Bits(row[j]) == BitConverter.SingleToInt32Bits(batch[i * n + j]),
                            $"{kind} {m}x{n}x{k} threads={threads}: row {i} column {j}: alone {row[j]:R}, in the batch {batch[i * n + j]:R}");
                    }
                }
            }
        }
    }

    [Fact]
    public void ZeroDepthGivesBias()
    {
        float[] bias = [1f, 2f, 3f];
        float[] c = [9f, 9f, 9f, 9f, 9f, 9f];
        MatrixMultiply.Multiply(default, false, default, false, c, 2, 3, 0, bias);
        Assert.Equal(new float[] { 1f, 2f, 3f, 1f, 2f, 3f }, c);

        c = [9f, 9f, 9f, 9f, 9f, 9f];
        MatrixMultiply.Multiply(default, false, default, false, c, 2, 3, 0, bias, accumulate: true);
        Assert.Equal(new float[] { 10f, 11f, 12f, 10f, 11f, 12f }, c);

        c = [9f, 9f, 9f, 9f, 9f, 9f];
        MatrixMultiply.Multiply(default, false, default, false, c, 2, 3, 0);
        Assert.Equal(new float[6], c);
    }

    [Fact]
    public void EmptyOutputIsANoOp()
    {
        // An m × n output with m or n = 0 has no elements: an output buffer handed in anyway is left as it was.
        float[] c = [7f, 7f, 7f];
        MatrixMultiply.Multiply(default, false, default, true, c, 0, 0, 5);
        MatrixMultiply.Multiply(new float[5], true, default, false, c, 1, 0, 5);
        MatrixMultiply.Multiply(default, false, new float[10], false, c, 0, 2, 5, rowBias: new float[2], accumulate: true, maxThreads: 2);
        Assert.Equal([7f, 7f, 7f], c);
    }

    [Fact]
    public void ValidatesArguments()
    {
        float[] a = new float[6], b = new float[12], c = new float[8];
        Assert.Equal("m", Assert.Throws<ArgumentOutOfRangeException>(() => MatrixMultiply.Multiply(a, false, b, false, c, -1, 4, 3)).ParamName);
        Assert.Equal("n", Assert.Throws<ArgumentOutOfRangeException>(() => MatrixMultiply.Multiply(a, false, b, false, c, 2, -4, 3)).ParamName);
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => MatrixMultiply.Multiply(a, false, b, false, c, 2, 4, -3)).ParamName);
        Assert.Equal("maxThreads", Assert.Throws<ArgumentOutOfRangeException>(() => MatrixMultiply.Multiply(a, false, b, false, c, 2, 4, 3, maxThreads: 0)).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => MatrixMultiply.Multiply(new float[5], false, b, false, c, 2, 4, 3)).ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => MatrixMultiply.Multiply(a, false, new float[11], true, c, 2, 4, 3)).ParamName);
        Assert.Equal("c", Assert.Throws<ArgumentException>(() => MatrixMultiply.Multiply(a, false, b, false, new float[7], 2, 4, 3)).ParamName);
        Assert.Equal("rowBias", Assert.Throws<ArgumentException>(() => MatrixMultiply.Multiply(a, false, b, false, c, 2, 4, 3, new float[3])).ParamName);
        MatrixMultiply.Multiply(a, false, b, false, c, 2, 4, 3, new float[4]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SteadyStateCallsDoNotAllocate(bool blockInsteadOfSpinning)
    {
        long savedSpin = WorkerPool.SpinTicks;
        if (blockInsteadOfSpinning)
        {
            // What a busy host does: every hand-over misses the spin window and waits on a monitor.
            WorkerPool.SpinTicks = 0;
        }

        try
        {
            AssertSteadyStateDoesNotAllocate();
        }
        finally
        {
            WorkerPool.SpinTicks = savedSpin;
        }
    }

    // Which chunks of a shared multiply a thread computes depends on timing; a thread whose first chunks were the
    // small ones used to grow its packing buffers when it later met a larger chunk, in the middle of training.
    // The chunk order is forced here, and the buffers themselves are compared: counting allocated bytes would also
    // count what the runtime allocates on the thread at moments of its own choosing (tiering, for one).
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public unsafe void AThreadsBuffersDoNotGrowWhenItFirstComputesALargerChunk(bool splitColumns)
    {
        (int, int, int, int)? afterSmall = null, afterLarge = null;
        var thread = new Thread(() =>
        {
            var rng = new Random(7);
            float[] a = RandomArray(rng, 64 * 784), b = RandomArray(rng, 784 * 128), c = new float[64 * 128];
            fixed (float* pa = a, pb = b, pc = c)
            {
                var job = new GemmJob { A = pa, B = pb, C = pc, M = 64, N = 128, K = 784, TransposeB = true, Kind = GemmDriver.DefaultKind, Id = 1, SplitN = splitColumns };
                GemmDriver.RunPart(in job, splitColumns ? new GemmPart(0, 64, 0, 16) : new GemmPart(0, 16, 0, 128));
                afterSmall = GemmBuffers.Current.Capacities;
                GemmDriver.RunPart(in job, new GemmPart(0, 64, 0, 128));
                afterLarge = GemmBuffers.Current.Capacities;
            }
        });
        thread.Start();
        thread.Join();
        Assert.NotNull(afterSmall);
        Assert.Equal(afterSmall, afterLarge);
    }

    [Fact]
    public void EveryHelperThreadStartsWithTheFirstParallelCall()
    {
        var rng = new Random(6);
        float[] a = RandomArray(rng, 64 * 784), b = RandomArray(rng, 784 * 128), c = new float[64 * 128];
        MatrixMultiply.Multiply(a, false, b, true, c, 64, 128, 784, default, false, 2);

        // A helper created later, when an earlier one is first found busy, would allocate in the middle of training.
        Assert.Equal(Environment.ProcessorCount - 1, WorkerPool.StartedHelpers);
    }

    private static void AssertSteadyStateDoesNotAllocate()
    {
        var rng = new Random(5);
        float[] a = RandomArray(rng, 64 * 784), b = RandomArray(rng, 784 * 128), bias = RandomArray(rng, 128);
        float[] c = new float[64 * 128];
        float[] row = new float[128];

        void RunAll()
        {
            MatrixMultiply.Multiply(a, false, b, true, c, 64, 128, 784, bias, false, 1);
            MatrixMultiply.Multiply(a, false, b, true, c, 64, 128, 784, bias, false, 2);
            MatrixMultiply.Multiply(a, false, b, false, c, 64, 128, 784, default, true, 2);
            MatrixMultiply.Multiply(a, true, b, false, c, 64, 128, 784, default, false, 2);
            MatrixMultiply.Multiply(a.AsSpan(0, 784), false, b, true, row, 1, 128, 784, bias, false, 1);
            MatrixMultiply.Multiply(a.AsSpan(0, 784), false, b, false, row, 1, 128, 784, bias, false, 2);
        }

        RunAll();
        RunAll();
        // The count can move, at an arbitrary point and without any allocation by this code, by the unused rest of this
        // thread's allocation context (a one-off that depends on what the thread allocated before, so on test order).
        // After a collection the thread has no context, and only its own allocations move the count.
        GC.Collect();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            RunAll();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(40, 150, 300, false, true)]  // packed B, column split
    [InlineData(20, 150, 1001, false, true)] // few-row dot path
    [InlineData(300, 40, 520, false, false)] // B read in place, row split
    [InlineData(200, 96, 130, true, false)]  // transposed A
    public void ConcurrentCallersGetCorrectResults(int m, int n, int k, bool transposeA, bool transposeB)
    {
        var rng = new Random(11);
        float[] a = RandomArray(rng, m * k), b = RandomArray(rng, n * k), bias = RandomArray(rng, n);
        float[] expected = new float[m * n];
        MatrixMultiply.Multiply(a, transposeA, b, transposeB, expected, m, n, k, bias);

        var failures = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, caller =>
        {
            float[] c = new float[m * n];
            for (int r = 0; r < 10; r++)
            {
                MatrixMultiply.Multiply(a, transposeA, b, transposeB, c, m, n, k, bias, false, 1 + (caller + r) % 2);
                if (!c.AsSpan().SequenceEqual(expected))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });
        Assert.Equal(0, failures);
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

    private static (double[] Product, double[] Magnitude) Reference(float[] a, bool ta, float[] b, bool tb, int m, int n, int k)
    {
        var product = new double[m * n];
        var magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0, mag = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = ta ? a[p * m + i] : a[i * k + p];
                    double y = tb ? b[j * k + p] : b[p * n + j];
                    s += x * y;
                    mag += Math.Abs(x * y);
                }

                product[i * n + j] = s;
                magnitude[i * n + j] = mag;
            }
        }

        return (product, magnitude);
    }
}
