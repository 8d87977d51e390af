using BenchmarkDotNet.Attributes;
using MLNet.Mlp.Numerics.MatrixMultiplication;

namespace MLNet.Mlp.Benchmarks;

/// <summary>BenchmarkDotNet view of the headline shapes (the hand-timed table in <see cref="GemmBenchmark"/> is the primary output).</summary>
[MemoryDiagnoser]
public class GemmBdnBenchmarks
{
    private float[] _a = [], _b = [], _c = [], _bias = [];

    /// <summary>m, n, k of op(A)·op(B).</summary>
    [Params("20x128x784", "256x512x784", "256x256x512")]
    public string Shape { get; set; } = "";

    /// <summary>Cores allowed to share each call.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    private int M => int.Parse(Shape.Split('x')[0]);
    private int N => int.Parse(Shape.Split('x')[1]);
    private int K => int.Parse(Shape.Split('x')[2]);

    /// <summary>Allocates operands.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _a = Enumerable.Range(0, M * K).Select(_ => (float)rng.NextDouble()).ToArray();
        _b = Enumerable.Range(0, K * N).Select(_ => (float)rng.NextDouble()).ToArray();
        _bias = new float[N];
        _c = new float[M * N];
    }

    /// <summary>Forward layout: X·Wᵀ + b.</summary>
    [Benchmark]
    public void ForwardNT() => MatrixMultiply.Multiply(_a, false, _b, true, _c, M, N, K, _bias, false, Threads);

    /// <summary>Plain row-major product.</summary>
    [Benchmark]
    public void NN() => MatrixMultiply.Multiply(_a, false, _b, false, _c, M, N, K, default, false, Threads);
}
