using System.Runtime.CompilerServices;
using MLNet.Mlp.Activations;
using MLNet.Mlp.Initializers;
using MLNet.Mlp.Numerics.Elementwise;
using MLNet.Mlp.Numerics.MatrixMultiplication;

namespace MLNet.Mlp.Layers;

/// <summary>
/// A fully connected layer with its activation fused in: Z = X·Wᵀ + b, A = σ(Z), with W stored [units × inputs]
/// row-major and b of length units. Backward: δ = ∂L/∂A ⊙ σ'(Z); ∂L/∂W = δᵀ·X; ∂L/∂b = Σ_rows δ; ∂L/∂X = δ·W.
/// </summary>
public sealed class DenseLayer : Layer
{
    /// <summary>Creates a dense layer.</summary>
    /// <param name="units">Output width; positive.</param>
    /// <param name="activation">σ; identity when null.</param>
    /// <param name="initializer">Weight initializer; the activation's default (He for the ReLU family, Xavier otherwise) when null.</param>
    public DenseLayer(int units, IActivation? activation = null, IWeightInitializer? initializer = null)
    {
        if (units <= 0) throw new ArgumentOutOfRangeException(nameof(units), units, "A dense layer needs at least one unit.");
        Units = units;
        Activation = activation ?? Activations.Activation.Identity;
        Initializer = initializer ?? Activation.DefaultInitializer;
    }

    /// <summary>Output width.</summary>
    public int Units { get; }

    /// <summary>The fused activation σ.</summary>
    public IActivation Activation { get; }

    /// <summary>The weight initializer.</summary>
    public IWeightInitializer Initializer { get; }

    /// <summary>W, [<see cref="Units"/> × <see cref="Layer.InputSize"/>] row-major (a live view: do not write to it while
    /// training). While <see cref="Training.NetworkTrainer"/> trains the layer on sparse rows, which it holds
    /// input-major for the duration, this is a copy in the documented layout instead.</summary>
    public ReadOnlyMemory<float> Weights => InputMajor ? TransposedWeights() : ParameterBuffer.AsMemory(WeightOffset, WeightCount);

    /// <summary>
    /// Whether W is held input-major, [inputs × units], instead of [units × inputs]: set only while a run trains this
    /// layer (first in its network) on sparse rows. A sparse row's non-zeros then read and write whole contiguous rows
    /// of W — in the forward pass, the weight-gradient scatter and the lazy optimizer step — instead of one scattered
    /// element per unit, which on 10⁵–10⁶ inputs misses the cache on nearly every access.
    /// </summary>
    internal bool InputMajor { get; private set; }

    /// <summary>Switches the weight layout, transposing the weight block of the parameters and of each buffer of
    /// <paramref name="optimizerState"/> that is laid out as the parameters (moments), through the weight gradient,
    /// which is left zero.</summary>
    internal void SetInputMajor(bool inputMajor, Optimizers.OptimizerState? optimizerState)
    {
        if (inputMajor == InputMajor) return;
        int rows = inputMajor ? Units : InputSize, columns = inputMajor ? InputSize : Units;
        var scratch = WeightGradientSpan;
        TransposeThrough(WeightSpan, rows, columns, scratch);
        if (optimizerState is { } state && state.ParameterCount == ParameterBuffer.Length)
            for (int b = 0; b < state.BufferCount; b++) TransposeThrough(state.Buffer(b).Slice(WeightOffset, WeightCount), rows, columns, scratch);
        scratch.Clear();
        InputMajor = inputMajor;
    }

    private static void TransposeThrough(Span<float> block, int rows, int columns, Span<float> scratch)
    {
        Numerics.MatrixTranspose.Transpose(block, rows, columns, scratch);
        scratch.CopyTo(block);
    }

    private float[] TransposedWeights()
    {
        var copy = new float[WeightCount];
        Numerics.MatrixTranspose.Transpose(WeightSpan, InputSize, Units, copy);
        return copy;
    }

    /// <summary>b, length <see cref="Units"/> (a live view).</summary>
    public ReadOnlyMemory<float> Bias => ParameterBuffer.AsMemory(OtherOffset, OtherParameterCount);

    /// <inheritdoc/>
    public override string ToString() => $"Dense({Units}, {Activation.Name})";

    internal override int WeightCount => Units * InputSize;
    internal override int OtherParameterCount => Units;
    internal override int CacheSize(int rows) => rows * Units;
    private protected override int ComputeOutputSize(int inputSize) => Units;
    internal override LayerShape ShapeFor(int inputSize) => new(Units, (long)Units * inputSize, Units, State: 0, CachePerRow: Units, CacheFixed: 0);

    internal override Layer CreateUnbuiltCopy() => new DenseLayer(Units, Activation, Initializer);

    internal override void Initialize(Random random)
    {
        Initializer.Initialize(WeightSpan, InputSize, Units, random);
        OtherSpan.Clear();
    }

    /// <summary>
    /// Below this many multiply-adds a product runs on the calling thread: handing a tiny product to the GEMM helper
    /// costs more than the second core saves. Above it both cores pay as long as the helper is still spinning from
    /// the previous job, which holds when the whole step keeps it busy (the optimizers' updates share it too). When
    /// the other core is busy elsewhere sharing loses, which is why the trainer times both settings each epoch
    /// (<see cref="Training.StepThreadTuner"/>). Results do not depend on it.
    /// </summary>
    internal const long SharedMinMacs = 1L << 20;

    private static int Threads(int m, int n, int k, int maxThreads) => (long)m * n * k < SharedMinMacs ? 1 : maxThreads;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void Forward(ReadOnlySpan<float> input, Span<float> output, Span<float> cache, int rows, in ForwardContext context)
    {
        var z = cache.Slice(0, rows * Units);
        MatrixMultiply.Multiply(input.Slice(0, rows * InputSize), false, WeightSpan, !InputMajor, z, rows, Units, InputSize,
            rowBias: OtherSpan, maxThreads: Threads(rows, Units, InputSize, context.MaxThreads));
        Activation.Forward(z, output.Slice(0, rows * Units), Units);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> cache,
        Span<float> outputGradient, Span<float> inputGradient, int rows, in ForwardContext context)
    {
        var delta = outputGradient.Slice(0, rows * Units);
        Activation.Backward(cache.Slice(0, rows * Units), output.Slice(0, rows * Units), delta, delta, Units);
        BackwardFromPreActivation(input, delta, inputGradient, rows, context);
    }

    /// <summary>The backward pass when the loss already produced δ = ∂L/∂Z (fused softmax/sigmoid cross-entropy).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void BackwardFromPreActivation(ReadOnlySpan<float> input, ReadOnlySpan<float> delta, Span<float> inputGradient, int rows, in ForwardContext context)
    {
        delta = delta.Slice(0, rows * Units);
        if (InputMajor)
            MatrixMultiply.Multiply(input.Slice(0, rows * InputSize), true, delta, false, WeightGradientSpan, InputSize, Units, rows,
                maxThreads: Threads(Units, InputSize, rows, context.MaxThreads));
        else
            MatrixMultiply.Multiply(delta, true, input.Slice(0, rows * InputSize), false, WeightGradientSpan, Units, InputSize, rows,
                maxThreads: Threads(Units, InputSize, rows, context.MaxThreads));
        ColumnSums.Compute(delta, rows, Units, OtherGradientSpan);
        if (!inputGradient.IsEmpty)
            MatrixMultiply.Multiply(delta, false, WeightSpan, InputMajor, inputGradient.Slice(0, rows * InputSize), rows, InputSize, Units,
                maxThreads: Threads(rows, InputSize, Units, context.MaxThreads));
    }

    /// <summary>
    /// Forward on a sparse batch (this layer first in the network): Z[r, u] = b[u] + Σ x[r, j]·W[u, j] over the row's
    /// non-zeros, summed in their order from the bias (<see cref="SparseDenseProduct"/>); input-major, the cores share
    /// the rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void ForwardSparse(Training.SparseBatch input, Span<float> output, float[] cache, int rows, int maxThreads = 1)
    {
        if (input.InputOffset is { } offset)
        {
            // Rows with an offset removed: b − offset·W is the bias the non-zeros add to.
            if (!InputMajor) throw new InvalidOperationException("An input offset needs the first layer held input-major.");
            if (input.ShiftedBias.Length != Units) input.ShiftedBias = new float[Units];
            MatrixMultiply.Multiply(offset, false, WeightSpan, false, input.ShiftedBias, 1, Units, InputSize);
            System.Numerics.Tensors.TensorPrimitives.Subtract(OtherSpan, input.ShiftedBias, input.ShiftedBias);
        }
        if (InputMajor) input.Pass.Forward(this, input, cache, rows, maxThreads);
        else ForwardSparseRows(input, cache, 0, rows);
        Activation.Forward(cache.AsSpan(0, rows * Units), output.Slice(0, rows * Units), Units);
    }

    /// <summary>The forward of rows [<paramref name="lo"/>, <paramref name="hi"/>) of a sparse batch, before the activation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal unsafe void ForwardSparseRows(Training.SparseBatch input, float[] z, int lo, int hi)
    {
        var starts = input.RowStarts;
        if (!InputMajor)
        {
            for (int r = lo; r < hi; r++)
                ForwardSparseRowUnitMajor(input.Indices.AsSpan(starts[r], starts[r + 1] - starts[r]), input.Values.AsSpan(starts[r], starts[r + 1] - starts[r]), z.AsSpan(r * Units, Units));
            return;
        }
        fixed (int* pStarts = starts, pIndices = input.Indices)
        fixed (float* pValues = input.Values, pw = WeightSpan, pBias = input.InputOffset != null ? input.ShiftedBias : OtherSpan, pz = z)
            SparseDenseProduct.Forward(lo, hi, pStarts, pIndices, pValues, pw, Units, pBias, pz);
    }

    /// <summary>Forward of one sparse row (inference): the arithmetic of <see cref="ForwardSparse"/> for a one-row batch.</summary>
    internal unsafe void ForwardSparseRow(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> output, Span<float> cache)
    {
        var z = cache.Slice(0, Units);
        if (InputMajor)
        {
            int* starts = stackalloc int[] { 0, indices.Length };
            fixed (int* pIndices = indices)
            fixed (float* pValues = values, pw = WeightSpan, pBias = OtherSpan, pz = z)
                SparseDenseProduct.Forward(0, 1, starts, pIndices, pValues, pw, Units, pBias, pz);
        }
        else
        {
            ForwardSparseRowUnitMajor(indices, values, z);
        }
        Activation.Forward(z, output.Slice(0, Units), Units);
    }

    // Z[u] = b[u] + Σ x_j·W[u, j] for one row, before the activation: the chain SparseDenseProduct computes input-major,
    // so both layouts give the same bits.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardSparseRowUnitMajor(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> z)
    {
        ReadOnlySpan<float> w = WeightSpan, bias = OtherSpan;
        int width = InputSize;
        for (int u = 0; u < Units; u++)
        {
            var wu = w.Slice(u * width, width);
            float sum = bias[u];
            for (int k = 0; k < indices.Length; k++) sum = float.MultiplyAddEstimate(wu[indices[k]], values[k], sum);
            z[u] = sum;
        }
    }

    /// <summary>Backward on a sparse batch: δ through the activation, then <see cref="BackwardFromPreActivationSparse"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void BackwardSparse(Training.SparseBatch input, ReadOnlySpan<float> output, ReadOnlySpan<float> cache, float[] outputGradient, int rows, int maxThreads = 1)
    {
        var delta = outputGradient.AsSpan(0, rows * Units);
        Activation.Backward(cache.Slice(0, rows * Units), output.Slice(0, rows * Units), delta, delta, Units);
        BackwardFromPreActivationSparse(input, outputGradient, rows, maxThreads);
    }

    /// <summary>
    /// ∂L/∂W = δᵀ·X over the columns of W the batch touches, and ∂L/∂b = Σ_rows δ; no input gradient (the layer is
    /// first). The weight gradient is exactly zero in every other column: the columns the previous batch wrote are
    /// cleared (all of them when a transform may have written the whole gradient). Input-major, each touched gradient
    /// row is Σ_r x[r, j]·δ[r, ·] over the column's non-zeros, the cores taking a share of the columns each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void BackwardFromPreActivationSparse(Training.SparseBatch input, float[] delta, int rows, int maxThreads = 1)
    {
        var g = WeightGradientSpan;
        int width = InputSize, units = Units;
        if (!input.GradientCleared) g.Clear();
        if (InputMajor) input.Pass.Backward(this, input, delta, rows, maxThreads);
        else
        {
            if (input.GradientCleared)
            {
                var previous = input.GradientColumns.AsSpan(0, input.GradientColumnCount);
                for (int u = 0; u < units; u++)
                {
                    var gu = g.Slice(u * width, width);
                    foreach (int c in previous) gu[c] = 0f;
                }
            }
            var starts = input.RowStarts;
            var indices = input.Indices;
            var values = input.Values;
            for (int u = 0; u < units; u++)
            {
                var gu = g.Slice(u * width, width);
                for (int r = 0; r < rows; r++)
                {
                    float d = delta[r * units + u];
                    for (int k = starts[r]; k < starts[r + 1]; k++) gu[indices[k]] = float.MultiplyAddEstimate(d, values[k], gu[indices[k]]);
                }
            }
        }
        ColumnSums.Compute(delta.AsSpan(0, rows * units), rows, units, OtherGradientSpan);
        if (input.InputOffset is { } offset)
        {
            // Σ_r (x_r − offset) ⊗ δ_r = Σ_r x_r ⊗ δ_r − offset ⊗ Σ_r δ_r, and Σ_r δ_r is the bias gradient.
            ReadOnlySpan<float> columnSums = OtherGradientSpan;
            for (int j = 0; j < width; j++)
                if (offset[j] != 0f) ScaledAdd.Into(columnSums, -offset[j], g.Slice(j * units, units));
        }
        input.GradientWritten();
    }

    /// <summary>Input-major: clears the gradient rows of entries [<paramref name="lo"/>, <paramref name="hi"/>) of the
    /// previous pass's columns that the current batch does not touch (it writes its own rows whole).</summary>
    internal void ClearUntouchedGradientRows(Training.SparseBatch input, int lo, int hi)
    {
        if (!input.GradientCleared) return;
        var g = WeightGradientSpan;
        foreach (int c in input.GradientColumns.AsSpan(lo, hi - lo))
            if (!input.IsTouched(c)) g.Slice(c * Units, Units).Clear();
    }

    /// <summary>Input-major: gradient rows of the batch's column slots [<paramref name="slotLo"/>, <paramref name="slotHi"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal unsafe void WeightGradientSparseColumns(Training.SparseBatch input, float[] delta, int slotLo, int slotHi)
    {
        fixed (int* starts = input.ColumnStarts, rows = input.ColumnRows, columns = input.Touched)
        fixed (float* values = input.ColumnValues, pDelta = delta, g = WeightGradientSpan)
            SparseDenseProduct.WeightGradient(slotLo, slotHi, starts, rows, values, columns, pDelta, Units, g);
    }
}
