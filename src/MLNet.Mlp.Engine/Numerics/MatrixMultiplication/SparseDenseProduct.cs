using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MLNet.Mlp.Numerics.MatrixMultiplication;

/// <summary>
/// The products of a first dense layer held input-major (W as [inputs × units]) with a batch given by its non-zeros:
/// the forward pass Z = b + X·W over CSR rows, and the weight gradient G = Xᵀ·δ over the batch's columns (CSC).
/// </summary>
/// <remarks>
/// Both keep a block of twelve or eight vectors of units in registers (the widest width first, then narrower blocks for
/// what is left, so that a layer of 100 units still runs eight chains at a time) while they walk one row's (or one column's)
/// non-zeros, so each multiply-add costs one load of W (or δ) and nothing is stored until the block is done; a block
/// of W (or δ) is reused from the L2 cache by every row (column). Each output element is one chain
/// acc = MultiplyAddEstimate(w, x, acc) over the non-zeros in order, starting from the bias (forward) or zero
/// (gradient), whatever the vector width and the block it falls in, and the unit-major reference loops in
/// <see cref="Layers.DenseLayer"/> compute the same chain; so the bits depend on the instruction set (fused where
/// the hardware has FMA), never on the thread count. Scoring uses a third form (<see cref="ForwardInDepthBlocks"/>),
/// whose chains are the blocked GEMM's, so that skipping zeros there keeps the dense product's bits.
/// </remarks>
internal static unsafe class SparseDenseProduct
{
    private const int Block = 8, WideBlock = 12;

    /// <summary>z[r, ·] = bias + Σ_k values[k]·w[indices[k], ·] for rows [<paramref name="rowLo"/>, <paramref name="rowHi"/>).</summary>
    /// <param name="rowLo">The first row.</param>
    /// <param name="rowHi">The row after the last.</param>
    /// <param name="rowStarts">CSR offsets of the rows into <paramref name="indices"/> and <paramref name="values"/>.</param>
    /// <param name="indices">The column (input) of each non-zero.</param>
    /// <param name="values">The value of each non-zero.</param>
    /// <param name="w">[inputs × <paramref name="units"/>].</param>
    /// <param name="units">The layer's width.</param>
    /// <param name="bias">The bias, <paramref name="units"/> values.</param>
    /// <param name="z">[rows × <paramref name="units"/>], row r written in full.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(int rowLo, int rowHi, int* rowStarts, int* indices, float* values, float* w, int units, float* bias, float* z)
        => Run(rowLo, rowHi, rowStarts, indices, values, w, units, bias, z, null);

    /// <summary>
    /// g[j, ·] = Σ_e columnValues[e]·delta[columnRows[e], ·] for the inputs j = <paramref name="columns"/>[s] of slots
    /// s in [<paramref name="slotLo"/>, <paramref name="slotHi"/>), each gradient row written in full (not added to).
    /// </summary>
    /// <param name="slotLo">The first slot.</param>
    /// <param name="slotHi">The slot after the last.</param>
    /// <param name="columnStarts">CSC offsets of the slots into <paramref name="columnRows"/> and <paramref name="columnValues"/>.</param>
    /// <param name="columnRows">The batch row of each non-zero, ascending within a slot.</param>
    /// <param name="columnValues">The value of each non-zero.</param>
    /// <param name="columns">The input each slot stands for.</param>
    /// <param name="delta">[rows × <paramref name="units"/>].</param>
    /// <param name="units">The layer's width.</param>
    /// <param name="g">[inputs × <paramref name="units"/>].</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGradient(int slotLo, int slotHi, int* columnStarts, int* columnRows, float* columnValues, int* columns,
        float* delta, int units, float* g)
        => Run(slotLo, slotHi, columnStarts, columnRows, columnValues, delta, units, null, g, columns);

    /// <summary>
    /// z[r, ·] with the bits of the blocked GEMM (<see cref="GemmDriver"/>): for each depth block in order, one chain from
    /// zero over the row's non-zeros in that block, added to the bias (first block) or to the row so far. Skipping a zero
    /// leaves a chain's bits as they were (x·w + acc = acc for x = ±0 and finite w), so rows scored this way equal the
    /// dense product of the same rows bit for bit.
    /// </summary>
    /// <param name="rows">The rows.</param>
    /// <param name="depthBlocks">Depth blocks per row.</param>
    /// <param name="segmentStarts">Offsets of each row's blocks into <paramref name="indices"/> and <paramref name="values"/>:
    /// block d of row r is [segmentStarts[r·depthBlocks + d], segmentStarts[r·depthBlocks + d + 1]).</param>
    /// <param name="indices">The column (input) of each non-zero.</param>
    /// <param name="values">The value of each non-zero.</param>
    /// <param name="w">[inputs × <paramref name="units"/>].</param>
    /// <param name="units">The layer's width.</param>
    /// <param name="bias">The bias, <paramref name="units"/> values.</param>
    /// <param name="z">[rows × <paramref name="units"/>], row r written in full.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardInDepthBlocks(int rows, int depthBlocks, int* segmentStarts, int* indices, float* values, float* w, int units, float* bias, float* z)
        => Run(0, rows * depthBlocks, segmentStarts, indices, values, w, units, new Targets(null, z, null, units, depthBlocks, bias));

    // For items i in [lo, hi): the targets' output for item i = start (or 0) + Σ_k x[k]·m[index[k], ·] over entries
    // [starts[i], starts[i + 1]) (+ the item's addend).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run(int lo, int hi, int* starts, int* index, float* x, float* m, int units, float* initial, float* output, int* outputRows)
        => Run(lo, hi, starts, index, x, m, units, new Targets(initial, output, outputRows, units, 0, null));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run(int lo, int hi, int* starts, int* index, float* x, float* m, int units, in Targets t)
    {
        int u = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; u + WideBlock * Vector512<float>.Count <= units; u += WideBlock * Vector512<float>.Count)
                for (int i = lo; i < hi; i++)
                    Chains512Wide(starts[i], starts[i + 1], index, x, m + u, units, t.Start(u), t.Addend(i, u), t.Output(i, u));
            for (; u + Block * Vector512<float>.Count <= units; u += Block * Vector512<float>.Count)
                for (int i = lo; i < hi; i++)
                    Chains512(starts[i], starts[i + 1], index, x, m + u, units, t.Start(u), t.Addend(i, u), t.Output(i, u));
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; u + WideBlock * Vector256<float>.Count <= units; u += WideBlock * Vector256<float>.Count)
                for (int i = lo; i < hi; i++)
                    Chains256Wide(starts[i], starts[i + 1], index, x, m + u, units, t.Start(u), t.Addend(i, u), t.Output(i, u));
            for (; u + Block * Vector256<float>.Count <= units; u += Block * Vector256<float>.Count)
                for (int i = lo; i < hi; i++)
                    Chains256(starts[i], starts[i + 1], index, x, m + u, units, t.Start(u), t.Addend(i, u), t.Output(i, u));
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; u + WideBlock * Vector128<float>.Count <= units; u += WideBlock * Vector128<float>.Count)
                for (int i = lo; i < hi; i++)
                    Chains128Wide(starts[i], starts[i + 1], index, x, m + u, units, t.Start(u), t.Addend(i, u), t.Output(i, u));
            for (; u + Block * Vector128<float>.Count <= units; u += Block * Vector128<float>.Count)
                for (int i = lo; i < hi; i++)
                    Chains128(starts[i], starts[i + 1], index, x, m + u, units, t.Start(u), t.Addend(i, u), t.Output(i, u));
        }

        if (u < units)
        {
            for (int i = lo; i < hi; i++)
                NarrowChains(starts[i], starts[i + 1], index, x, m, units, u, t.Start(0), t.Addend(i, 0), t.Output(i, 0));
        }
    }

    // Where item i's chains start, what is added to them, and where they go: the rows of a batch (outputRows null), the
    // gradient rows of slots (outputRows), or the depth blocks of rows (depthBlocks > 0: a chain from zero added to the
    // bias, for the first block, or to the row so far).
    private readonly struct Targets(float* initial, float* output, int* outputRows, int units, int depthBlocks, float* bias)
    {
        public float* Start(int u) => initial != null ? initial + u : null;

        public float* Output(int i, int u)
            => output + (nint)(depthBlocks > 0 ? i / depthBlocks : outputRows != null ? outputRows[i] : i) * units + u;

        public float* Addend(int i, int u) => depthBlocks == 0 ? null : i % depthBlocks == 0 ? bias + u : Output(i, u);
    }

    // Twelve chains of one vector each, as the eight below: a multiply-add's latency is covered by the other chains'
    // work with room to spare, which eight chains of 256 or 128 bits (two or four per cycle) do not quite give.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Chains512Wide(int k0, int k1, int* index, float* x, float* m, int stride, float* start, float* addend, float* output)
    {
        const int V = 16;
        Vector512<float> a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11;
        if (start != null)
        {
            a0 = Vector512.Load(start + 0 * V);
            a1 = Vector512.Load(start + 1 * V);
            a2 = Vector512.Load(start + 2 * V);
            a3 = Vector512.Load(start + 3 * V);
            a4 = Vector512.Load(start + 4 * V);
            a5 = Vector512.Load(start + 5 * V);
            a6 = Vector512.Load(start + 6 * V);
            a7 = Vector512.Load(start + 7 * V);
            a8 = Vector512.Load(start + 8 * V);
            a9 = Vector512.Load(start + 9 * V);
            a10 = Vector512.Load(start + 10 * V);
            a11 = Vector512.Load(start + 11 * V);
        }
        else
        {
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = a8 = a9 = a10 = a11 = Vector512<float>.Zero;
        }

        for (int k = k0; k < k1; k++)
        {
            float* p = m + (nint)index[k] * stride;
            var xv = Vector512.Create(x[k]);
            a0 = Vector512.MultiplyAddEstimate(Vector512.Load(p + 0 * V), xv, a0);
            a1 = Vector512.MultiplyAddEstimate(Vector512.Load(p + 1 * V), xv, a1);
            a2 = Vector512.MultiplyAddEstimate(Vector512.Load(p + 2 * V), xv, a2);
            a3 = Vector512.MultiplyAddEstimate(Vector512.Load(p + 3 * V), xv, a3);
            a4 = Vector512.MultiplyAddEstimate(Vector512.Load(p + 4 * V), xv, a4);
            a5 = Vector512.MultiplyAddEstimate(Vector512.Load(p + 5 * V), xv, a5);
            a6 = Vector512.MultiplyAddEstimate(Vector512.Load(p + 6 * V), xv, a6);
            a7 = Vector512.MultiplyAddEstimate(Vector512.Load(p + 7 * V), xv, a7);
            a8 = Vector512.MultiplyAddEstimate(Vector512.Load(p + 8 * V), xv, a8);
            a9 = Vector512.MultiplyAddEstimate(Vector512.Load(p + 9 * V), xv, a9);
            a10 = Vector512.MultiplyAddEstimate(Vector512.Load(p + 10 * V), xv, a10);
            a11 = Vector512.MultiplyAddEstimate(Vector512.Load(p + 11 * V), xv, a11);
        }

        if (addend != null)
        {
            a0 += Vector512.Load(addend + 0 * V);
            a1 += Vector512.Load(addend + 1 * V);
            a2 += Vector512.Load(addend + 2 * V);
            a3 += Vector512.Load(addend + 3 * V);
            a4 += Vector512.Load(addend + 4 * V);
            a5 += Vector512.Load(addend + 5 * V);
            a6 += Vector512.Load(addend + 6 * V);
            a7 += Vector512.Load(addend + 7 * V);
            a8 += Vector512.Load(addend + 8 * V);
            a9 += Vector512.Load(addend + 9 * V);
            a10 += Vector512.Load(addend + 10 * V);
            a11 += Vector512.Load(addend + 11 * V);
        }

        a0.Store(output + 0 * V);
        a1.Store(output + 1 * V);
        a2.Store(output + 2 * V);
        a3.Store(output + 3 * V);
        a4.Store(output + 4 * V);
        a5.Store(output + 5 * V);
        a6.Store(output + 6 * V);
        a7.Store(output + 7 * V);
        a8.Store(output + 8 * V);
        a9.Store(output + 9 * V);
        a10.Store(output + 10 * V);
        a11.Store(output + 11 * V);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Chains256Wide(int k0, int k1, int* index, float* x, float* m, int stride, float* start, float* addend, float* output)
    {
        const int V = 8;
        Vector256<float> a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11;
        if (start != null)
        {
            a0 = Vector256.Load(start + 0 * V);
            a1 = Vector256.Load(start + 1 * V);
            a2 = Vector256.Load(start + 2 * V);
            a3 = Vector256.Load(start + 3 * V);
            a4 = Vector256.Load(start + 4 * V);
            a5 = Vector256.Load(start + 5 * V);
            a6 = Vector256.Load(start + 6 * V);
            a7 = Vector256.Load(start + 7 * V);
            a8 = Vector256.Load(start + 8 * V);
            a9 = Vector256.Load(start + 9 * V);
            a10 = Vector256.Load(start + 10 * V);
            a11 = Vector256.Load(start + 11 * V);
        }
        else
        {
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = a8 = a9 = a10 = a11 = Vector256<float>.Zero;
        }

        for (int k = k0; k < k1; k++)
        {
            float* p = m + (nint)index[k] * stride;
            var xv = Vector256.Create(x[k]);
            a0 = Vector256.MultiplyAddEstimate(Vector256.Load(p + 0 * V), xv, a0);
            a1 = Vector256.MultiplyAddEstimate(Vector256.Load(p + 1 * V), xv, a1);
            a2 = Vector256.MultiplyAddEstimate(Vector256.Load(p + 2 * V), xv, a2);
            a3 = Vector256.MultiplyAddEstimate(Vector256.Load(p + 3 * V), xv, a3);
            a4 = Vector256.MultiplyAddEstimate(Vector256.Load(p + 4 * V), xv, a4);
            a5 = Vector256.MultiplyAddEstimate(Vector256.Load(p + 5 * V), xv, a5);
            a6 = Vector256.MultiplyAddEstimate(Vector256.Load(p + 6 * V), xv, a6);
            a7 = Vector256.MultiplyAddEstimate(Vector256.Load(p + 7 * V), xv, a7);
            a8 = Vector256.MultiplyAddEstimate(Vector256.Load(p + 8 * V), xv, a8);
            a9 = Vector256.MultiplyAddEstimate(Vector256.Load(p + 9 * V), xv, a9);
            a10 = Vector256.MultiplyAddEstimate(Vector256.Load(p + 10 * V), xv, a10);
            a11 = Vector256.MultiplyAddEstimate(Vector256.Load(p + 11 * V), xv, a11);
        }

        if (addend != null)
        {
            a0 += Vector256.Load(addend + 0 * V);
            a1 += Vector256.Load(addend + 1 * V);
            a2 += Vector256.Load(addend + 2 * V);
            a3 += Vector256.Load(addend + 3 * V);
            a4 += Vector256.Load(addend + 4 * V);
            a5 += Vector256.Load(addend + 5 * V);
            a6 += Vector256.Load(addend + 6 * V);
            a7 += Vector256.Load(addend + 7 * V);
            a8 += Vector256.Load(addend + 8 * V);
            a9 += Vector256.Load(addend + 9 * V);
            a10 += Vector256.Load(addend + 10 * V);
            a11 += Vector256.Load(addend + 11 * V);
        }

        a0.Store(output + 0 * V);
        a1.Store(output + 1 * V);
        a2.Store(output + 2 * V);
        a3.Store(output + 3 * V);
        a4.Store(output + 4 * V);
        a5.Store(output + 5 * V);
        a6.Store(output + 6 * V);
        a7.Store(output + 7 * V);
        a8.Store(output + 8 * V);
        a9.Store(output + 9 * V);
        a10.Store(output + 10 * V);
        a11.Store(output + 11 * V);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Chains128Wide(int k0, int k1, int* index, float* x, float* m, int stride, float* start, float* addend, float* output)
    {
        const int V = 4;
        Vector128<float> a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11;
        if (start != null)
        {
            a0 = Vector128.Load(start + 0 * V);
            a1 = Vector128.Load(start + 1 * V);
            a2 = Vector128.Load(start + 2 * V);
            a3 = Vector128.Load(start + 3 * V);
            a4 = Vector128.Load(start + 4 * V);
            a5 = Vector128.Load(start + 5 * V);
            a6 = Vector128.Load(start + 6 * V);
            a7 = Vector128.Load(start + 7 * V);
            a8 = Vector128.Load(start + 8 * V);
            a9 = Vector128.Load(start + 9 * V);
            a10 = Vector128.Load(start + 10 * V);
            a11 = Vector128.Load(start + 11 * V);
        }
        else
        {
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = a8 = a9 = a10 = a11 = Vector128<float>.Zero;
        }

        for (int k = k0; k < k1; k++)
        {
            float* p = m + (nint)index[k] * stride;
            var xv = Vector128.Create(x[k]);
            a0 = Vector128.MultiplyAddEstimate(Vector128.Load(p + 0 * V), xv, a0);
            a1 = Vector128.MultiplyAddEstimate(Vector128.Load(p + 1 * V), xv, a1);
            a2 = Vector128.MultiplyAddEstimate(Vector128.Load(p + 2 * V), xv, a2);
            a3 = Vector128.MultiplyAddEstimate(Vector128.Load(p + 3 * V), xv, a3);
            a4 = Vector128.MultiplyAddEstimate(Vector128.Load(p + 4 * V), xv, a4);
            a5 = Vector128.MultiplyAddEstimate(Vector128.Load(p + 5 * V), xv, a5);
            a6 = Vector128.MultiplyAddEstimate(Vector128.Load(p + 6 * V), xv, a6);
            a7 = Vector128.MultiplyAddEstimate(Vector128.Load(p + 7 * V), xv, a7);
            a8 = Vector128.MultiplyAddEstimate(Vector128.Load(p + 8 * V), xv, a8);
            a9 = Vector128.MultiplyAddEstimate(Vector128.Load(p + 9 * V), xv, a9);
            a10 = Vector128.MultiplyAddEstimate(Vector128.Load(p + 10 * V), xv, a10);
            a11 = Vector128.MultiplyAddEstimate(Vector128.Load(p + 11 * V), xv, a11);
        }

        if (addend != null)
        {
            a0 += Vector128.Load(addend + 0 * V);
            a1 += Vector128.Load(addend + 1 * V);
            a2 += Vector128.Load(addend + 2 * V);
            a3 += Vector128.Load(addend + 3 * V);
            a4 += Vector128.Load(addend + 4 * V);
            a5 += Vector128.Load(addend + 5 * V);
            a6 += Vector128.Load(addend + 6 * V);
            a7 += Vector128.Load(addend + 7 * V);
            a8 += Vector128.Load(addend + 8 * V);
            a9 += Vector128.Load(addend + 9 * V);
            a10 += Vector128.Load(addend + 10 * V);
            a11 += Vector128.Load(addend + 11 * V);
        }

        a0.Store(output + 0 * V);
        a1.Store(output + 1 * V);
        a2.Store(output + 2 * V);
        a3.Store(output + 3 * V);
        a4.Store(output + 4 * V);
        a5.Store(output + 5 * V);
        a6.Store(output + 6 * V);
        a7.Store(output + 7 * V);
        a8.Store(output + 8 * V);
        a9.Store(output + 9 * V);
        a10.Store(output + 10 * V);
        a11.Store(output + 11 * V);
    }

    // Eight chains of one vector each: out[0 .. 8V) = start + Σ_k x_k·m[index_k, 0 .. 8V) (m already offset to the block).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Chains512(int k0, int k1, int* index, float* x, float* m, int stride, float* start, float* addend, float* output)
    {
        const int V = 16;
        Vector512<float> a0, a1, a2, a3, a4, a5, a6, a7;
        if (start != null)
        {
            a0 = Vector512.Load(start); a1 = Vector512.Load(start + V); a2 = Vector512.Load(start + 2 * V); a3 = Vector512.Load(start + 3 * V);
            a4 = Vector512.Load(start + 4 * V); a5 = Vector512.Load(start + 5 * V); a6 = Vector512.Load(start + 6 * V); a7 = Vector512.Load(start + 7 * V);
        }
        else
        {
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = Vector512<float>.Zero;
        }

        for (int k = k0; k < k1; k++)
        {
            float* p = m + (nint)index[k] * stride;
            var xv = Vector512.Create(x[k]);
            a0 = Vector512.MultiplyAddEstimate(Vector512.Load(p), xv, a0);
            a1 = Vector512.MultiplyAddEstimate(Vector512.Load(p + V), xv, a1);
            a2 = Vector512.MultiplyAddEstimate(Vector512.Load(p + 2 * V), xv, a2);
            a3 = Vector512.MultiplyAddEstimate(Vector512.Load(p + 3 * V), xv, a3);
            a4 = Vector512.MultiplyAddEstimate(Vector512.Load(p + 4 * V), xv, a4);
            a5 = Vector512.MultiplyAddEstimate(Vector512.Load(p + 5 * V), xv, a5);
            a6 = Vector512.MultiplyAddEstimate(Vector512.Load(p + 6 * V), xv, a6);
            a7 = Vector512.MultiplyAddEstimate(Vector512.Load(p + 7 * V), xv, a7);
        }

        if (addend != null)
        {
            a0 += Vector512.Load(addend); a1 += Vector512.Load(addend + V); a2 += Vector512.Load(addend + 2 * V); a3 += Vector512.Load(addend + 3 * V);
            a4 += Vector512.Load(addend + 4 * V); a5 += Vector512.Load(addend + 5 * V); a6 += Vector512.Load(addend + 6 * V); a7 += Vector512.Load(addend + 7 * V);
        }

        a0.Store(output); a1.Store(output + V); a2.Store(output + 2 * V); a3.Store(output + 3 * V);
        a4.Store(output + 4 * V); a5.Store(output + 5 * V); a6.Store(output + 6 * V); a7.Store(output + 7 * V);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Chains256(int k0, int k1, int* index, float* x, float* m, int stride, float* start, float* addend, float* output)
    {
        const int V = 8;
        Vector256<float> a0, a1, a2, a3, a4, a5, a6, a7;
        if (start != null)
        {
            a0 = Vector256.Load(start); a1 = Vector256.Load(start + V); a2 = Vector256.Load(start + 2 * V); a3 = Vector256.Load(start + 3 * V);
            a4 = Vector256.Load(start + 4 * V); a5 = Vector256.Load(start + 5 * V); a6 = Vector256.Load(start + 6 * V); a7 = Vector256.Load(start + 7 * V);
        }
        else
        {
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = Vector256<float>.Zero;
        }

        for (int k = k0; k < k1; k++)
        {
            float* p = m + (nint)index[k] * stride;
            var xv = Vector256.Create(x[k]);
            a0 = Vector256.MultiplyAddEstimate(Vector256.Load(p), xv, a0);
            a1 = Vector256.MultiplyAddEstimate(Vector256.Load(p + V), xv, a1);
            a2 = Vector256.MultiplyAddEstimate(Vector256.Load(p + 2 * V), xv, a2);
            a3 = Vector256.MultiplyAddEstimate(Vector256.Load(p + 3 * V), xv, a3);
            a4 = Vector256.MultiplyAddEstimate(Vector256.Load(p + 4 * V), xv, a4);
            a5 = Vector256.MultiplyAddEstimate(Vector256.Load(p + 5 * V), xv, a5);
            a6 = Vector256.MultiplyAddEstimate(Vector256.Load(p + 6 * V), xv, a6);
            a7 = Vector256.MultiplyAddEstimate(Vector256.Load(p + 7 * V), xv, a7);
        }

        if (addend != null)
        {
            a0 += Vector256.Load(addend); a1 += Vector256.Load(addend + V); a2 += Vector256.Load(addend + 2 * V); a3 += Vector256.Load(addend + 3 * V);
            a4 += Vector256.Load(addend + 4 * V); a5 += Vector256.Load(addend + 5 * V); a6 += Vector256.Load(addend + 6 * V); a7 += Vector256.Load(addend + 7 * V);
        }

        a0.Store(output); a1.Store(output + V); a2.Store(output + 2 * V); a3.Store(output + 3 * V);
        a4.Store(output + 4 * V); a5.Store(output + 5 * V); a6.Store(output + 6 * V); a7.Store(output + 7 * V);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Chains128(int k0, int k1, int* index, float* x, float* m, int stride, float* start, float* addend, float* output)
    {
        const int V = 4;
        Vector128<float> a0, a1, a2, a3, a4, a5, a6, a7;
        if (start != null)
        {
            a0 = Vector128.Load(start); a1 = Vector128.Load(start + V); a2 = Vector128.Load(start + 2 * V); a3 = Vector128.Load(start + 3 * V);
            a4 = Vector128.Load(start + 4 * V); a5 = Vector128.Load(start + 5 * V); a6 = Vector128.Load(start + 6 * V); a7 = Vector128.Load(start + 7 * V);
        }
        else
        {
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = Vector128<float>.Zero;
        }

        for (int k = k0; k < k1; k++)
        {
            float* p = m + (nint)index[k] * stride;
            var xv = Vector128.Create(x[k]);
            a0 = Vector128.MultiplyAddEstimate(Vector128.Load(p), xv, a0);
            a1 = Vector128.MultiplyAddEstimate(Vector128.Load(p + V), xv, a1);
            a2 = Vector128.MultiplyAddEstimate(Vector128.Load(p + 2 * V), xv, a2);
            a3 = Vector128.MultiplyAddEstimate(Vector128.Load(p + 3 * V), xv, a3);
            a4 = Vector128.MultiplyAddEstimate(Vector128.Load(p + 4 * V), xv, a4);
            a5 = Vector128.MultiplyAddEstimate(Vector128.Load(p + 5 * V), xv, a5);
            a6 = Vector128.MultiplyAddEstimate(Vector128.Load(p + 6 * V), xv, a6);
            a7 = Vector128.MultiplyAddEstimate(Vector128.Load(p + 7 * V), xv, a7);
        }

        if (addend != null)
        {
            a0 += Vector128.Load(addend); a1 += Vector128.Load(addend + V); a2 += Vector128.Load(addend + 2 * V); a3 += Vector128.Load(addend + 3 * V);
            a4 += Vector128.Load(addend + 4 * V); a5 += Vector128.Load(addend + 5 * V); a6 += Vector128.Load(addend + 6 * V); a7 += Vector128.Load(addend + 7 * V);
        }

        a0.Store(output); a1.Store(output + V); a2.Store(output + 2 * V); a3.Store(output + 3 * V);
        a4.Store(output + 4 * V); a5.Store(output + 5 * V); a6.Store(output + 6 * V); a7.Store(output + 7 * V);
    }

    // The units [from, stride) a whole block does not cover: one vector at a time at the widest width, then one element.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NarrowChains(int k0, int k1, int* index, float* x, float* m, int stride, int from, float* start, float* addend, float* output)
    {
        int u = from;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; u + Vector256<float>.Count <= stride; u += Vector256<float>.Count)
            {
                var a = start != null ? Vector256.Load(start + u) : Vector256<float>.Zero;
                for (int k = k0; k < k1; k++) a = Vector256.MultiplyAddEstimate(Vector256.Load(m + (nint)index[k] * stride + u), Vector256.Create(x[k]), a);
                if (addend != null) a += Vector256.Load(addend + u);
                a.Store(output + u);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; u + Vector128<float>.Count <= stride; u += Vector128<float>.Count)
            {
                var a = start != null ? Vector128.Load(start + u) : Vector128<float>.Zero;
                for (int k = k0; k < k1; k++) a = Vector128.MultiplyAddEstimate(Vector128.Load(m + (nint)index[k] * stride + u), Vector128.Create(x[k]), a);
                if (addend != null) a += Vector128.Load(addend + u);
                a.Store(output + u);
            }
        }

        for (; u < stride; u++)
        {
            float a = start != null ? start[u] : 0f;
            for (int k = k0; k < k1; k++) a = float.MultiplyAddEstimate(m[(nint)index[k] * stride + u], x[k], a);
            if (addend != null) a += addend[u];
            output[u] = a;
        }
    }
}
