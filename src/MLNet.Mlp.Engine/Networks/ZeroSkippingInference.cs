using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Numerics.MatrixMultiplication;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Networks;

/// <summary>
/// Scores rows with the first dense layer reading only their non-zeros. Dense rows that are mostly zeros get the bits
/// the dense product gives the same rows: each output element is computed by the same chains, in the same order, as
/// the matrix multiply the layer would run for that many rows (<see cref="GemmDriver"/>'s depth blocks, or the 512-bit
/// dot kernel's lanes for a few rows), and a zero left out of a chain leaves its bits as they were. So whether a block
/// of rows takes this path changes its speed, never its scores, and saved models keep predicting the bits they did.
/// Sparse rows (<see cref="ForwardSparseRow"/>) get the bits of <see cref="DenseLayer.ForwardSparseRow"/>.
/// </summary>
/// <remarks>
/// Holds a copy of the first layer's weights input-major ([inputs × units], units padded to a multiple of 16),
/// made on first use, so a model scores sparse or mostly-zero rows with its first layer in memory twice. Only for a
/// network whose parameters no longer change (a trained model's).
/// </remarks>
internal sealed class ZeroSkippingInference
{
    private const int Padding = 16;
    private readonly DenseLayer _layer;
    private readonly int _inputs, _units, _stride, _depthBlocks, _depthBlock;
    private Transposed? _transposed;

    private ZeroSkippingInference(Network network, DenseLayer layer)
    {
        Network = network;
        _layer = layer;
        _inputs = network.InputSize;
        _units = layer.Units;
        _stride = (_units + Padding - 1) / Padding * Padding;
        _depthBlock = GemmDriver.DepthBlock(_inputs);
        _depthBlocks = (_inputs + _depthBlock - 1) / _depthBlock;
    }

    /// <summary>The network whose first layer this scores.</summary>
    public Network Network { get; }

    /// <summary>For a network whose first layer is dense over enough inputs, on a machine with vector instructions; else null.</summary>
    public static ZeroSkippingInference? For(Network network) =>
        network.Layers[0] is DenseLayer layer && network.InputSize >= ZeroSkipping.MinFeatures && GemmDriver.DefaultKind != GemmKernelKind.Scalar
            ? new ZeroSkippingInference(network, layer)
            : null;

    /// <summary>Buffers for up to <paramref name="maxRows"/> rows at a time.</summary>
    private Scratch CreateScratch(int maxRows) => new(_inputs, _stride == _units ? 0 : _stride, _depthBlocks, maxRows);

    /// <summary>
    /// The first layer on rows [0, <paramref name="rows"/>) of <paramref name="input"/> ([rows × inputs]): its
    /// pre-activations into <paramref name="z"/> and its outputs into <paramref name="output"/>, as
    /// <see cref="DenseLayer.Forward"/> gives them, when at most <see cref="MaxNonZeroFraction"/> of the values are
    /// non-zero. Otherwise returns false, having written nothing the caller reads.
    /// </summary>
    /// <param name="input">[rows × inputs].</param>
    /// <param name="rows">The rows.</param>
    /// <param name="z">Receives the pre-activations, [rows × units].</param>
    /// <param name="output">Receives the outputs, [rows × units].</param>
    /// <param name="scratch">The calling thread's buffers: made (or grown) here the first time a block is sparse enough
    /// for them, so that a model scored only on dense rows never holds them.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe bool TryForward(ReadOnlySpan<float> input, int rows, Span<float> z, Span<float> output, ref Scratch? scratch)
    {
        int width = _inputs;
        // The product the layer's Forward runs (DenseLayer: X·Wᵀ with W [units × inputs] unless it is held input-major).
        bool dotOrder = GemmDriver.DefaultKind == GemmKernelKind.Vector512 && !_layer.InputMajor && rows <= GemmDriver.DotMaxRows;
        long budget = (long)(MaxNonZeroFraction(rows, dotOrder) * rows * width);
        if (scratch == null || scratch.MaxRows < rows)
        {
            if (rows * (long)width - Numerics.Elementwise.ZeroCount.Of(input.Slice(0, rows * width)) > budget) return false;
            if (Weights().NonFinite) return false;
            scratch = CreateScratch(Math.Max(rows, scratch?.MaxRows ?? 0));
        }
        int[] rowStarts = scratch.RowStarts;
        fixed (float* x = input, values = scratch.Values)
        fixed (int* indices = scratch.Indices)
        {
            int pos = 0;
            for (int r = 0; r < rows; r++)
            {
                // Each row may add up to its width (plus a vector's overhang): the buffers hold the budget and one row more.
                if (pos > budget) return false;
                pos = SparseBatch.PackNonZeros(x + (nint)r * width, width, values, indices, false, null, pos);
                rowStarts[r + 1] = pos;
            }
            if (pos > budget) return false;
        }

        // Finite weights: checked before the scratch was made (by whichever instance made it for this network).
        var transposed = Weights();
        bool direct = _stride == _units;
        Span<float> target = direct ? z : scratch.Z;
        fixed (float* pw = transposed.Weights, pBias = transposed.Bias, pz = target, values = scratch.Values, lanes = scratch.Lanes, sortedValues = scratch.SortedValues)
        fixed (int* indices = scratch.Indices, starts = rowStarts, segments = scratch.SegmentStarts, sortedIndices = scratch.SortedIndices)
        {
            float* w = pw + transposed.Offset;
            if (dotOrder)
            {
                SparseDotOrderProduct.SortByLane(rows, starts, indices, values, width, sortedIndices, sortedValues, segments);
                SparseDotOrderProduct.Forward(rows, segments, sortedIndices, sortedValues, w, _stride, pBias, pz, lanes + scratch.LanesOffset);
            }
            else
            {
                SplitIntoDepthBlocks(rows, starts, indices, segments);
                SparseDenseProduct.ForwardInDepthBlocks(rows, _depthBlocks, segments, indices, values, w, _stride, pBias, pz);
            }
        }

        if (!direct)
            for (int r = 0; r < rows; r++) scratch.Z.AsSpan(r * _stride, _units).CopyTo(z.Slice(r * _units, _units));
        _layer.Activation.Forward(z.Slice(0, rows * _units), output.Slice(0, rows * _units), _units);
        return true;
    }

    /// <summary>
    /// The first layer on one sparse row, <paramref name="values"/> at the ascending columns <paramref name="indices"/>:
    /// its pre-activations into <paramref name="z"/> and its outputs into <paramref name="output"/>, the chain from the
    /// bias over the row's non-zeros in order that <see cref="DenseLayer.ForwardSparseRow"/> computes, so the same bits.
    /// Read from the input-major copy, each non-zero costs one contiguous row of weights; the layer held [units × inputs]
    /// costs one cache line per unit, which for a text vocabulary's first layer means a miss each.
    /// </summary>
    /// <param name="indices">The row's stored columns, ascending, each below the network's input size.</param>
    /// <param name="values">The row's stored values.</param>
    /// <param name="z">Receives the pre-activations; at least the units rounded up to a multiple of 16 long (the padding is
    /// computed too and left there).</param>
    /// <param name="output">Receives the outputs, the units.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void ForwardSparseRow(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> z, Span<float> output)
    {
        if (indices.Length != values.Length) throw new ArgumentException($"{indices.Length} indices but {values.Length} values.", nameof(values));
        var transposed = Weights();
        var target = z.Slice(0, _stride);
        int* starts = stackalloc int[] { 0, indices.Length };
        fixed (int* pIndices = indices)
        fixed (float* pValues = values, pw = transposed.Weights, pBias = transposed.Bias, pz = target)
            SparseDenseProduct.Forward(0, 1, starts, pIndices, pValues, pw + transposed.Offset, _stride, pBias, pz);
        _layer.Activation.Forward(z.Slice(0, _units), output.Slice(0, _units), _units);
    }

    /// <summary>
    /// The largest share of non-zeros at which skipping the zeros beats the dense product: one row, against the
    /// matrix-vector product, the training threshold; taller blocks, whose dense product runs near the machine's peak,
    /// a quarter in the dot kernel's order (its lane sums meet in memory) and a third in the depth blocks' chains.
    /// </summary>
    internal static double MaxNonZeroFraction(int rows, bool dotOrder)
        => rows == 1 ? ZeroSkipping.MaxNonZeroFraction : dotOrder ? 0.25 : 0.33;

    // Where each row's non-zeros cross into the next depth block of the GEMM (columns [d·kc, (d + 1)·kc)).
    private unsafe void SplitIntoDepthBlocks(int rows, int* rowStarts, int* indices, int* segments)
    {
        int blocks = _depthBlocks;
        for (int r = 0; r < rows; r++)
        {
            int e = rowStarts[r], end = rowStarts[r + 1];
            segments[r * blocks] = e;
            for (int d = 1; d < blocks; d++)
            {
                int boundary = d * _depthBlock;
                while (e < end && indices[e] < boundary) e++;
                segments[r * blocks + d] = e;
            }
        }
        segments[rows * blocks] = rowStarts[rows];
    }

    // W transposed and padded with zero columns, its rows starting on cache lines (a vector load that straddles two lines
    // costs about two), and the bias padded with zeros; racing threads build equal copies.
    private Transposed Weights()
    {
        if (Volatile.Read(ref _transposed) is { } built) return built;
        var w = _layer.WeightSpan;
        var weights = AlignedArray((long)_inputs * _stride, out int offset);
        var target = weights.AsSpan(offset);
        if (_layer.InputMajor)
        {
            for (int j = 0; j < _inputs; j++) w.Slice(j * _units, _units).CopyTo(target.Slice(j * _stride, _units));
        }
        else
        {
            for (int u = 0; u < _units; u++)
            {
                var row = w.Slice(u * _inputs, _inputs);
                for (int j = 0; j < _inputs; j++) target[j * _stride + u] = row[j];
            }
        }
        var bias = new float[_stride];
        _layer.OtherSpan.Slice(0, _units).CopyTo(bias);
        // 0·∞ and 0·NaN are NaN: with such a weight a skipped zero would change the sum.
        bool nonFinite = Numerics.Elementwise.FiniteCheck.IndexOfNonFinite(w) >= 0;
        var transposed = new Transposed(weights, offset, bias, nonFinite);
        Volatile.Write(ref _transposed, transposed);
        return transposed;
    }

    private sealed record Transposed(float[] Weights, int Offset, float[] Bias, bool NonFinite);

    // A pinned array (it never moves) with room to start `length` floats on a 64-byte boundary, at `offset`.
    private static unsafe float[] AlignedArray(long length, out int offset)
    {
        var array = GC.AllocateArray<float>(checked((int)(length + 16)), pinned: true);
        fixed (float* p = array) offset = (int)((64 - ((nint)p & 63)) & 63) / sizeof(float);
        return array;
    }

    /// <summary>The buffers one scoring thread needs, sized once.</summary>
    internal sealed class Scratch
    {
        /// <param name="inputs">The network's inputs.</param>
        /// <param name="paddedStride">Units padded to a multiple of 16, or 0 when they need no padding (the layer's outputs are written in place).</param>
        /// <param name="depthBlocks">The GEMM's depth blocks over the inputs.</param>
        /// <param name="maxRows">The most rows scored at once.</param>
        public Scratch(int inputs, int paddedStride, int depthBlocks, int maxRows)
        {
            MaxRows = maxRows;
            long capacity = (long)(ZeroSkipping.MaxNonZeroFraction * maxRows * inputs) + inputs + 8;
            Values = new float[capacity];
            Indices = new int[capacity];
            RowStarts = new int[maxRows + 1];
            SegmentStarts = new int[maxRows * Math.Max(depthBlocks, SparseDotOrderProduct.Segments) + 1];
            Z = new float[maxRows * paddedStride];
            bool dotOrder = GemmDriver.DefaultKind == GemmKernelKind.Vector512;
            int lanesOffset = 0;
            Lanes = dotOrder ? AlignedArray(16 * SparseDotOrderProduct.UnitBlock, out lanesOffset) : [];
            LanesOffset = lanesOffset;
            SortedValues = dotOrder ? new float[capacity] : [];
            SortedIndices = dotOrder ? new int[capacity] : [];
        }

        public int MaxRows { get; }

        public float[] Values { get; }

        public int[] Indices { get; }

        public int[] RowStarts { get; }

        public int[] SegmentStarts { get; }

        public float[] Z { get; }

        public float[] Lanes { get; }

        public int LanesOffset { get; }

        public float[] SortedValues { get; }

        public int[] SortedIndices { get; }
    }
}
