using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Training;

/// <summary>Sums of per-example weights, the denominators of the weighted mean losses.</summary>
internal static class ExampleWeights
{
    /// <summary>Σ w in double, in order; the row count when <paramref name="weights"/> is empty (all 1).</summary>
    // Per step, so optimized from the first call and without TensorPrimitives (see GemmDriver.RunPart).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Total(ReadOnlySpan<float> weights, int rows)
    {
        if (weights.IsEmpty) return rows;
        double total = 0;
        for (int i = 0; i < weights.Length; i++) total += weights[i];
        return total;
    }
}
