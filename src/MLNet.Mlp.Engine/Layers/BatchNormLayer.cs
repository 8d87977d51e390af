using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Layers;

/// <summary>
/// Batch normalization over features (PyTorch's BatchNorm1d): in training x̂ = (x − μ_B)/√(σ²_B + ε) with the
/// batch mean and biased variance, y = γ·x̂ + β, and running averages r ← (1 − momentum)·r + momentum·batch
/// (the running variance takes the unbiased batch variance); at inference the running averages replace the batch
/// statistics. Backward: ∂L/∂x = γ/(m·√(σ²+ε)) · (m·g − Σg − x̂·Σ(g·x̂)), ∂L/∂γ = Σ g·x̂, ∂L/∂β = Σ g.
/// </summary>
public sealed class BatchNormLayer : Layer
{
    /// <summary>Creates a batch-normalization layer.</summary>
    /// <param name="momentum">Weight of the current batch in the running averages, in (0, 1]. Default 0.1 (PyTorch).</param>
    /// <param name="epsilon">Added to the variance; positive. Default 1e-5.</param>
    public BatchNormLayer(float momentum = 0.1f, float epsilon = 1e-5f)
    {
        if (!(momentum > 0f && momentum <= 1f)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Batch-norm momentum must be in (0, 1].");
        if (!(epsilon > 0f) || float.IsInfinity(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Batch-norm epsilon must be positive.");
        Momentum = momentum;
        Epsilon = epsilon;
    }

    /// <summary>Running-average momentum.</summary>
    public float Momentum { get; }

    /// <summary>Variance epsilon.</summary>
    public float Epsilon { get; }

    /// <summary>γ, the learned scale (a live view).</summary>
    public ReadOnlyMemory<float> Scale => ParameterBuffer.AsMemory(OtherOffset, InputSize);

    /// <summary>β, the learned shift (a live view).</summary>
    public ReadOnlyMemory<float> Shift => ParameterBuffer.AsMemory(OtherOffset + InputSize, InputSize);

    /// <summary>The running mean used at inference (a live view).</summary>
    public ReadOnlyMemory<float> RunningMean => StateBuffer.AsMemory(StateOffset, InputSize);

    /// <summary>The running variance used at inference (a live view).</summary>
    public ReadOnlyMemory<float> RunningVariance => StateBuffer.AsMemory(StateOffset + InputSize, InputSize);

    /// <inheritdoc/>
    public override string ToString() => "BatchNorm";

    internal override int WeightCount => 0;
    internal override int OtherParameterCount => 2 * InputSize;
    internal override int StateCount => 2 * InputSize;

    // x̂ for every row, then 1/√(σ²+ε) per feature.
    internal override int CacheSize(int rows) => (rows + 1) * InputSize;
    private protected override int ComputeOutputSize(int inputSize) => inputSize;
    internal override LayerShape ShapeFor(int inputSize) => new(inputSize, Weights: 0, 2L * inputSize, 2L * inputSize, CachePerRow: inputSize, CacheFixed: inputSize);

    internal override Layer CreateUnbuiltCopy() => new BatchNormLayer(Momentum, Epsilon);

    internal override void Initialize(Random random)
    {
        int n = InputSize;
        OtherSpan.Slice(0, n).Fill(1f);
        OtherSpan.Slice(n, n).Clear();
        StateSpan.Slice(0, n).Clear();
        StateSpan.Slice(n, n).Fill(1f);
    }

    /// <summary>The per-feature affine map y = x·scale + shift that inference applies (for export).</summary>
    internal (float[] Scale, float[] Shift) InferenceAffine()
    {
        int n = InputSize;
        var scale = new float[n];
        var shift = new float[n];
        var p = OtherSpan;
        var s = StateSpan;
        for (int j = 0; j < n; j++)
        {
            scale[j] = p[j] / MathF.Sqrt(s[n + j] + Epsilon);
            shift[j] = p[n + j] - s[j] * scale[j];
        }
        return (scale, shift);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void Forward(ReadOnlySpan<float> input, Span<float> output, Span<float> cache, int rows, in ForwardContext context)
    {
        int n = InputSize;
        var gamma = OtherSpan.Slice(0, n);
        var beta = OtherSpan.Slice(n, n);
        if (!context.Training)
        {
            var mean = StateSpan.Slice(0, n);
            var variance = StateSpan.Slice(n, n);
            for (int r = 0; r < rows; r++)
            {
                var x = input.Slice(r * n, n);
                var y = output.Slice(r * n, n);
                for (int j = 0; j < n; j++) y[j] = gamma[j] * (x[j] - mean[j]) / MathF.Sqrt(variance[j] + Epsilon) + beta[j];
            }
            return;
        }

        var xHat = cache.Slice(0, rows * n);
        var invStd = cache.Slice(rows * n, n);
        var running = StateSpan;
        for (int j = 0; j < n; j++)
        {
            // Two passes in double: the one-pass formula loses the variance to cancellation for large means.
            double mu = 0;
            for (int r = 0; r < rows; r++) mu += input[r * n + j];
            mu /= rows;
            double v = 0;
            for (int r = 0; r < rows; r++) { double d = input[r * n + j] - mu; v += d * d; }
            double biased = v / rows;
            double inv = 1.0 / Math.Sqrt(biased + Epsilon);
            invStd[j] = (float)inv;
            for (int r = 0; r < rows; r++)
            {
                float h = (float)((input[r * n + j] - mu) * inv);
                xHat[r * n + j] = h;
                output[r * n + j] = gamma[j] * h + beta[j];
            }
            double unbiased = rows > 1 ? v / (rows - 1) : biased;
            running[j] = (1 - Momentum) * running[j] + Momentum * (float)mu;
            running[n + j] = (1 - Momentum) * running[n + j] + Momentum * (float)unbiased;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> cache,
        Span<float> outputGradient, Span<float> inputGradient, int rows, in ForwardContext context)
    {
        int n = InputSize;
        var xHat = cache.Slice(0, rows * n);
        var invStd = cache.Slice(rows * n, n);
        var gamma = OtherSpan.Slice(0, n);
        var dGamma = OtherGradientSpan.Slice(0, n);
        var dBeta = OtherGradientSpan.Slice(n, n);
        for (int j = 0; j < n; j++)
        {
            double sumG = 0, sumGx = 0;
            for (int r = 0; r < rows; r++)
            {
                float g = outputGradient[r * n + j];
                sumG += g;
                sumGx += g * xHat[r * n + j];
            }
            dGamma[j] = (float)sumGx;
            dBeta[j] = (float)sumG;
            if (inputGradient.IsEmpty) continue;
            double k = gamma[j] * invStd[j] / rows;
            for (int r = 0; r < rows; r++)
                inputGradient[r * n + j] = (float)(k * (rows * outputGradient[r * n + j] - sumG - xHat[r * n + j] * sumGx));
        }
    }
}
