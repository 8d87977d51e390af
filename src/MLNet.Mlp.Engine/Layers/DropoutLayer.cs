using System.Runtime.CompilerServices;
using MLNet.Mlp.Numerics.Elementwise;

namespace MLNet.Mlp.Layers;

/// <summary>
/// Inverted dropout: in training each input is kept with probability 1 − rate and scaled by 1/(1 − rate), so the
/// expected activation is unchanged and inference is the identity (no rescaling needed).
/// </summary>
public sealed class DropoutLayer : Layer
{
    /// <summary>Creates a dropout layer.</summary>
    /// <param name="rate">Probability of dropping each input, in [0, 1).</param>
    public DropoutLayer(float rate)
    {
        if (!(rate >= 0f && rate < 1f))
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "Dropout rate must be in [0, 1).");
        Rate = rate;
    }

    /// <summary>The drop probability.</summary>
    public float Rate { get; }

    /// <inheritdoc/>
    public override string ToString() => $"Dropout({Rate})";

    internal override int WeightCount => 0;
    internal override int OtherParameterCount => 0;
    internal override int CacheSize(int rows) => rows * InputSize;
    private protected override int ComputeOutputSize(int inputSize) => inputSize;
    internal override LayerShape ShapeFor(int inputSize) => new(inputSize, Weights: 0, OtherParameters: 0, State: 0, CachePerRow: inputSize, CacheFixed: 0);
    internal override Layer CreateUnbuiltCopy() => new DropoutLayer(Rate);

    internal override void Initialize(Random random) { }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void Forward(ReadOnlySpan<float> input, Span<float> output, Span<float> cache, int rows, in ForwardContext context)
    {
        int n = rows * InputSize;
        if (!context.Training || Rate == 0f)
        {
            input.Slice(0, n).CopyTo(output);
            if (context.Training) cache.Slice(0, n).Fill(1f);
            return;
        }
        var random = context.Random ?? throw new InvalidOperationException("Dropout in training needs a random source.");
        float keep = 1f - Rate, scale = 1f / keep;
        var mask = cache.Slice(0, n);
        for (int i = 0; i < n; i++)
        {
            float m = random.NextSingle() < keep ? scale : 0f;
            mask[i] = m;
            output[i] = input[i] * m;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> cache,
        Span<float> outputGradient, Span<float> inputGradient, int rows, in ForwardContext context)
    {
        if (inputGradient.IsEmpty) return;
        int n = rows * InputSize;
        SpanMultiply.Pointwise(outputGradient.Slice(0, n), cache.Slice(0, n), inputGradient.Slice(0, n));
    }
}
