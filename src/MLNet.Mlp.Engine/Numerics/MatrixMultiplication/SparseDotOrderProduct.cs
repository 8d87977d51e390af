using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MLNet.Mlp.Numerics.MatrixMultiplication;

/// <summary>
/// The forward pass z = x·Wᵀ + b of a first dense layer over rows given by their non-zeros, with the bits of
/// <see cref="GemmDotKernel"/> (the 512-bit family's product for up to <see cref="GemmDriver.DotMaxRows"/> rows): per
/// output, sixteen lane chains over the columns up to the last whole vector of 16 (lane l takes the columns j ≡ l mod 16,
/// in order), its fixed halving sum, the remaining columns in order, then the bias. Skipping a zero leaves a chain's bits
/// as they were (x·w + acc = acc for x = ±0 and finite w).
/// </summary>
/// <remarks>
/// Units lie along the vector lanes, so one vector operation does the scalar arithmetic of sixteen outputs at once. Each
/// row's non-zeros come sorted by lane (<see cref="SortByLane"/>), so each lane's chains run in registers, up to eight
/// vectors of units at a time; the sixteen lane sums of a row then meet in memory for the halving sum.
/// </remarks>
internal static unsafe class SparseDotOrderProduct
{
    /// <summary>Units per pass over the rows: eight vectors, whose sixteen lane sums (8 KB) stay in L1.</summary>
    public const int UnitBlock = 128;

    /// <summary>Segments per row: the sixteen lanes, then the columns past the last whole vector.</summary>
    public const int Segments = 17;

    private const int V = 16;

    /// <summary>
    /// Copies rows' non-zeros (CSR, ascending columns) sorted by lane: segment l of row r holds, in column order, the
    /// non-zeros of the columns j ≡ l mod 16 below the last whole vector (l &lt; 16), and segment 16 the columns past it.
    /// </summary>
    /// <param name="rows">The rows.</param>
    /// <param name="rowStarts">CSR offsets of the rows.</param>
    /// <param name="indices">The columns of the non-zeros.</param>
    /// <param name="values">The values of the non-zeros.</param>
    /// <param name="depth">The layer's inputs.</param>
    /// <param name="sortedIndices">Receives the columns, as many as <paramref name="indices"/>.</param>
    /// <param name="sortedValues">Receives the values.</param>
    /// <param name="segmentStarts">Receives rows × <see cref="Segments"/> + 1 offsets.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SortByLane(int rows, int* rowStarts, int* indices, float* values, int depth, int* sortedIndices, float* sortedValues, int* segmentStarts)
    {
        int whole = depth & ~(V - 1);
        int* fill = stackalloc int[Segments];
        for (int r = 0; r < rows; r++)
        {
            int start = rowStarts[r], end = rowStarts[r + 1];
            for (int s = 0; s < Segments; s++) fill[s] = 0;
            for (int e = start; e < end; e++)
            {
                int j = indices[e];
                fill[j < whole ? j & (V - 1) : V]++;
            }
            int* segments = segmentStarts + r * Segments;
            int at = start;
            for (int s = 0; s < Segments; s++)
            {
                segments[s] = at;
                int count = fill[s];
                fill[s] = at;
                at += count;
            }
            for (int e = start; e < end; e++)
            {
                int j = indices[e];
                int to = fill[j < whole ? j & (V - 1) : V]++;
                sortedIndices[to] = j;
                sortedValues[to] = values[e];
            }
        }
        segmentStarts[rows * Segments] = rowStarts[rows];
    }

    /// <summary>z[r, 0 .. stride) for rows [0, <paramref name="rows"/>), from their non-zeros sorted by <see cref="SortByLane"/>.</summary>
    /// <param name="rows">The rows.</param>
    /// <param name="segmentStarts">The rows' segments (<see cref="SortByLane"/>).</param>
    /// <param name="indices">The sorted columns.</param>
    /// <param name="values">The sorted values.</param>
    /// <param name="w">[inputs × <paramref name="stride"/>], W transposed.</param>
    /// <param name="stride">Units, padded to a multiple of 16.</param>
    /// <param name="bias">The bias, <paramref name="stride"/> values.</param>
    /// <param name="z">[rows × <paramref name="stride"/>].</param>
    /// <param name="lanes">Scratch of 16 × <see cref="UnitBlock"/> floats.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(int rows, int* segmentStarts, int* indices, float* values, float* w, int stride, float* bias, float* z, float* lanes)
    {
        for (int u0 = 0; u0 < stride; u0 += UnitBlock)
        {
            int vectors = Math.Min(UnitBlock, stride - u0) / V;
            for (int r = 0; r < rows; r++)
            {
                int* segments = segmentStarts + r * Segments;
                for (int l = 0; l < V; l++)
                {
                    float* sums = lanes + l * UnitBlock;
                    switch (vectors)
                    {
                        case 1: Chains<Rows1>(segments[l], segments[l + 1], indices, values, w + u0, stride, sums); break;
                        case 2: Chains<Rows2>(segments[l], segments[l + 1], indices, values, w + u0, stride, sums); break;
                        case 3: Chains<Rows3>(segments[l], segments[l + 1], indices, values, w + u0, stride, sums); break;
                        case 4: Chains<Rows4>(segments[l], segments[l + 1], indices, values, w + u0, stride, sums); break;
                        case 5: Chains<Rows5>(segments[l], segments[l + 1], indices, values, w + u0, stride, sums); break;
                        case 6: Chains<Rows6>(segments[l], segments[l + 1], indices, values, w + u0, stride, sums); break;
                        case 7: Chains<Rows7>(segments[l], segments[l + 1], indices, values, w + u0, stride, sums); break;
                        default: Chains<Rows8>(segments[l], segments[l + 1], indices, values, w + u0, stride, sums); break;
                    }
                }

                float* output = z + (nint)r * stride + u0;
                int tail = segments[V], end = segments[V + 1];
                for (int v = 0; v < vectors * V; v += V)
                {
                    var sum = HalvingSum(lanes + v);
                    for (int t = tail; t < end; t++)
                        sum = Vector512.FusedMultiplyAdd(Vector512.Create(values[t]), Vector512.Load(w + (nint)indices[t] * stride + u0 + v), sum);
                    (sum + Vector512.Load(bias + u0 + v)).Store(output + v);
                }
            }
        }
    }

    // Up to eight vectors of units: sums[0 .. 16·TV) = Σ_k x_k·w[index_k, ·] over [k0, k1), from zero.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Chains<TV>(int k0, int k1, int* index, float* x, float* w, int stride, float* sums) where TV : struct, IRowCount
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (int k = k0; k < k1; k++)
        {
            float* p = w + (nint)index[k] * stride;
            var xv = Vector512.Create(x[k]);
            a0 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(p), a0);
            if (TV.Value > 1) a1 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(p + V), a1);
            if (TV.Value > 2) a2 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(p + 2 * V), a2);
            if (TV.Value > 3) a3 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(p + 3 * V), a3);
            if (TV.Value > 4) a4 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(p + 4 * V), a4);
            if (TV.Value > 5) a5 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(p + 5 * V), a5);
            if (TV.Value > 6) a6 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(p + 6 * V), a6);
            if (TV.Value > 7) a7 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(p + 7 * V), a7);
        }

        a0.Store(sums);
        if (TV.Value > 1) a1.Store(sums + V);
        if (TV.Value > 2) a2.Store(sums + 2 * V);
        if (TV.Value > 3) a3.Store(sums + 3 * V);
        if (TV.Value > 4) a4.Store(sums + 4 * V);
        if (TV.Value > 5) a5.Store(sums + 5 * V);
        if (TV.Value > 6) a6.Store(sums + 6 * V);
        if (TV.Value > 7) a7.Store(sums + 7 * V);
    }

    // GemmDotKernel's horizontal sum of lanes s0..s15 (512 → 256 → 128 → 64 → 32 bits), for sixteen units at once:
    // ((s0+s8) + (s4+s12)) + ((s2+s10) + (s6+s14)), plus the same over the odd lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> HalvingSum(float* lanes)
    {
        const int L = UnitBlock;
        var h0 = Vector512.Load(lanes + 0 * L) + Vector512.Load(lanes + 8 * L);
        var h1 = Vector512.Load(lanes + 1 * L) + Vector512.Load(lanes + 9 * L);
        var h2 = Vector512.Load(lanes + 2 * L) + Vector512.Load(lanes + 10 * L);
        var h3 = Vector512.Load(lanes + 3 * L) + Vector512.Load(lanes + 11 * L);
        var h4 = Vector512.Load(lanes + 4 * L) + Vector512.Load(lanes + 12 * L);
        var h5 = Vector512.Load(lanes + 5 * L) + Vector512.Load(lanes + 13 * L);
        var h6 = Vector512.Load(lanes + 6 * L) + Vector512.Load(lanes + 14 * L);
        var h7 = Vector512.Load(lanes + 7 * L) + Vector512.Load(lanes + 15 * L);
        Vector512<float> q0 = h0 + h4, q1 = h1 + h5, q2 = h2 + h6, q3 = h3 + h7;
        return (q0 + q2) + (q1 + q3);
    }
}
