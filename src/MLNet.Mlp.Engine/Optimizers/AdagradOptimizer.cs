using System.Numerics;
using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// Adagrad (Duchi, Hazan and Singer, 2011), as <c>torch.optim.Adagrad</c>:
/// G ← G + g²; θ ← θ − η g / (√G + ε).
/// </summary>
/// <remarks>
/// <para>With weight decay λ, the gradient first becomes g + λθ (coupled L2, weight-matrix prefix only).
/// G starts at <see cref="InitialAccumulator"/>. ε is outside the square root with PyTorch's default 1e-10
/// (Keras: ε = 1e-7, initial accumulator 0.1). PyTorch's <c>lr_decay</c> is not offered: use a learning-rate
/// schedule such as <see cref="Schedules.InverseTimeDecaySchedule"/> instead.</para>
/// <para>State: buffer 0 = G. One vectorized pass per update, no allocation.</para>
/// </remarks>
public sealed class AdagradOptimizer : IOptimizer
{
    /// <summary>Creates an Adagrad optimizer (PyTorch's defaults).</summary>
    /// <param name="epsilon">ε &gt; 0, added to √G. Default 1e-10.</param>
    /// <param name="initialAccumulator">The starting value of G, ≥ 0. Default 0.</param>
    /// <param name="weightDecay">λ ≥ 0, coupled L2 on the weight matrices only. Default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range; the message names it.</exception>
    public AdagradOptimizer(float epsilon = 1e-10f, float initialAccumulator = 0f, float weightDecay = 0f)
    {
        HyperParameter.Positive(epsilon, nameof(epsilon));
        HyperParameter.NonNegative(initialAccumulator, nameof(initialAccumulator));
        HyperParameter.NonNegative(weightDecay, nameof(weightDecay));
        Epsilon = epsilon;
        InitialAccumulator = initialAccumulator;
        WeightDecay = weightDecay;
    }

    /// <summary>ε, added outside the square root.</summary>
    public float Epsilon { get; }

    /// <summary>The initial value of the accumulator G.</summary>
    public float InitialAccumulator { get; }

    /// <summary>The coupled weight decay λ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    public string Name => "Adagrad";

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount)
    {
        var state = new OptimizerState(1, parameterCount);
        if (InitialAccumulator != 0f) state.Buffer(0).Fill(InitialAccumulator);
        return state;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, OptimizerState state, in OptimizerStep step)
    {
        UpdateArguments.Check(parameters.Length, gradients.Length, state, 1, step);
        Span<float> accumulator = state.Buffer(0);
        int d = step.DecayedCount;
        var kernel = new Kernel(step.LearningRate, WeightDecay, Epsilon);
        ChunkedUpdate<ElementwiseUpdate<Kernel>>.Run(new(kernel), new(kernel with { Decay = 0f }), parameters, gradients, accumulator, default, default, d, step.MaxThreads);
    }

    private readonly record struct Kernel(float LearningRate, float Decay, float Epsilon) : IElementwiseKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(ref Vector<float> theta, Vector<float> gradient, ref Vector<float> sum, ref Vector<float> s1, ref Vector<float> s2)
        {
            Vector<float> g = gradient;
            if (Decay != 0f) g += Decay * theta;
            sum += g * g;
            theta -= LearningRate * (g / (Vector.SquareRoot(sum) + new Vector<float>(Epsilon)));
        }
    }
}
