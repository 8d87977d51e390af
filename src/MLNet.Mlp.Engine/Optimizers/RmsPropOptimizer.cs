using System.Numerics;
using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// RMSProp (Hinton, Coursera lecture 6e), as <c>torch.optim.RMSprop</c>:
/// s_t = ρ s_{t−1} + (1 − ρ) g_t²; θ ← θ − η g_t / (√s_t + ε).
/// </summary>
/// <remarks>
/// <para>Full update, with weight decay λ, momentum μ and the centered variant:</para>
/// <code>
/// g ← g + λ θ                                  (coupled L2, weight-matrix prefix only)
/// s ← ρ s + (1 − ρ) g²
/// centered:  a ← ρ a + (1 − ρ) g;   D = √max(s − a², 0) + ε     otherwise D = √s + ε
/// μ &gt; 0:     b ← μ b + g / D;        θ ← θ − η b                 otherwise θ ← θ − η g / D
/// </code>
/// <para>Conventions: ρ is PyTorch's <c>alpha</c> (default 0.99; Keras calls it <c>rho</c>, default 0.9). ε is added
/// outside the square root, as in PyTorch (Keras 3 does the same; TF1 put it inside). All buffers start at 0
/// (the momentum buffer too, as in PyTorch). The max(·, 0) in the centered form guards against a rounding-negative
/// variance; PyTorch has no such guard but the two agree whenever PyTorch's result is finite.</para>
/// <para>State: buffer 0 = s, then b when μ &gt; 0, then a when centered.</para>
/// </remarks>
public sealed class RmsPropOptimizer : IOptimizer
{
    private readonly float _oneMinusRho;

    /// <summary>Creates an RMSProp optimizer (PyTorch's defaults).</summary>
    /// <param name="rho">ρ in [0, 1): the decay of the mean square (PyTorch's <c>alpha</c>). Default 0.99.</param>
    /// <param name="epsilon">ε &gt; 0, added to √s. Default 1e-8.</param>
    /// <param name="momentum">μ in [0, 1). Default 0.</param>
    /// <param name="centered">Normalize by the estimated variance s − a² instead of the mean square.</param>
    /// <param name="weightDecay">λ ≥ 0, coupled L2 on the weight matrices only. Default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range; the message names it.</exception>
    public RmsPropOptimizer(float rho = 0.99f, float epsilon = 1e-8f, float momentum = 0f, bool centered = false, float weightDecay = 0f)
    {
        HyperParameter.InUnitIntervalOpen(rho, nameof(rho));
        HyperParameter.Positive(epsilon, nameof(epsilon));
        HyperParameter.InUnitIntervalOpen(momentum, nameof(momentum));
        HyperParameter.NonNegative(weightDecay, nameof(weightDecay));
        Rho = rho;
        Epsilon = epsilon;
        Momentum = momentum;
        Centered = centered;
        WeightDecay = weightDecay;
        _oneMinusRho = (float)(1.0 - HyperParameter.AsWritten(rho));
    }

    /// <summary>ρ, the decay of the mean square.</summary>
    public float Rho { get; }

    /// <summary>ε, added outside the square root.</summary>
    public float Epsilon { get; }

    /// <summary>The momentum μ (0 = none).</summary>
    public float Momentum { get; }

    /// <summary>Whether the centered variant is used.</summary>
    public bool Centered { get; }

    /// <summary>The coupled weight decay λ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    public string Name => "RmsProp";

    private int BufferCount => 1 + (Momentum != 0f ? 1 : 0) + (Centered ? 1 : 0);

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount) => new(BufferCount, parameterCount);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, OptimizerState state, in OptimizerStep step)
    {
        UpdateArguments.Check(parameters.Length, gradients.Length, state, BufferCount, step);
        bool hasMomentum = Momentum != 0f;
        Span<float> s = state.Buffer(0);
        Span<float> b = hasMomentum ? state.Buffer(1) : default;
        Span<float> a = Centered ? state.Buffer(hasMomentum ? 2 : 1) : default;
        int d = step.DecayedCount;
        var kernel = new Kernel(step.LearningRate, WeightDecay, Rho, _oneMinusRho, Epsilon, Momentum, hasMomentum, Centered);
        ChunkedUpdate<ElementwiseUpdate<Kernel>>.Run(new(kernel), new(kernel with { Decay = 0f }), parameters, gradients, s, b, a, d, step.MaxThreads);
    }

    private readonly record struct Kernel(float LearningRate, float Decay, float Rho, float OneMinusRho, float Epsilon,
        float Momentum, bool HasMomentum, bool Centered) : IElementwiseKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(ref Vector<float> theta, Vector<float> gradient, ref Vector<float> s, ref Vector<float> b, ref Vector<float> a)
        {
            Vector<float> g = gradient;
            if (Decay != 0f) g += Decay * theta;
            s = Rho * s + OneMinusRho * (g * g);
            Vector<float> denominator;
            if (Centered)
            {
                a = Rho * a + OneMinusRho * g;
                denominator = Vector.SquareRoot(Vector.Max(s - a * a, Vector<float>.Zero)) + new Vector<float>(Epsilon);
            }
            else
            {
                denominator = Vector.SquareRoot(s) + new Vector<float>(Epsilon);
            }

            if (HasMomentum)
            {
                b = Momentum * b + g / denominator;
                theta -= LearningRate * b;
            }
            else
            {
                theta -= LearningRate * (g / denominator);
            }
        }
    }
}
