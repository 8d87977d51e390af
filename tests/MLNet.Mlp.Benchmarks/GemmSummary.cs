namespace MLNet.Mlp.Benchmarks;

/// <summary>What one <c>gemm --result</c> run reports for W3's hidden-layer shapes, in GFLOP/s, next to the peak it is judged by.</summary>
internal sealed record GemmSummary(int KernelBits, string PeakName, double PeakOne, double PeakAll,
    double OneBest, double OneMedian, double AllBest, double AllMedian);
