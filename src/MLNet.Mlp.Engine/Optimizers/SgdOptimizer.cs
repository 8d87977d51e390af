using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// Stochastic gradient descent, exactly as <c>torch.optim.SGD</c>: plain, with classic (heavy-ball) momentum,
/// optional dampening, Nesterov momentum and coupled weight decay.
/// </summary>
/// <remarks>
/// <para>With learning rate η (from <see cref="OptimizerStep.LearningRate"/>), weight decay λ, momentum μ and
/// dampening d, one update is:</para>
/// <code>
/// g ← g + λ θ                            (weight decay = coupled L2, weight-matrix prefix only)
/// b₁ = g,  b_t = μ b_{t−1} + (1 − d) g    (when μ ≠ 0)
/// g ← g + μ b_t  (Nesterov)   or   g ← b_t  (otherwise)
/// θ ← θ − η g
/// </code>
/// <para>This is the classic form v_t = μ v_{t−1} + g_t (the gradient is not scaled by 1 − μ): the effective step
/// is about η/(1 − μ). The seed notes' "dampened" form v_t = β v_{t−1} + (1 − β) g_t, v₀ = 0, is
/// <see cref="MomentumOptimizer"/>. PyTorch's dampening = μ comes close to it but starts the buffer at b₁ = g
/// (not (1 − μ) g); this class reproduces PyTorch, including that first step.</para>
/// <para>The buffer is initialized from the gradient on the update whose <see cref="OptimizerStep.Step"/> is 1
/// (PyTorch does it when the buffer does not exist yet), so a run must start counting at 1 with a fresh state.</para>
/// <para>State: buffer 0 = the momentum buffer b (only when μ ≠ 0; plain SGD has no state).</para>
/// <para>Weight decay here is coupled (it goes through the momentum); for the decoupled form wrap any optimizer in
/// <see cref="DecoupledWeightDecay"/>. One vectorized pass over the buffer per update, no allocation.</para>
/// </remarks>
public sealed class SgdOptimizer : IOptimizer
{
    private readonly float _oneMinusDampening;

    /// <summary>Creates an SGD optimizer (PyTorch's defaults: no momentum, no dampening, no weight decay).</summary>
    /// <param name="momentum">μ, in [0, 1). 0 gives plain SGD.</param>
    /// <param name="dampening">d, in [0, 1]: the gradient enters the momentum buffer scaled by 1 − d.</param>
    /// <param name="nesterov">Use Nesterov momentum g + μ b_t. Requires μ &gt; 0 and d = 0.</param>
    /// <param name="weightDecay">λ ≥ 0, coupled L2 (g ← g + λθ) on the weight matrices only.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range; the message names it.</exception>
    /// <exception cref="ArgumentException"><paramref name="nesterov"/> without momentum or with dampening.</exception>
    public SgdOptimizer(float momentum = 0f, float dampening = 0f, bool nesterov = false, float weightDecay = 0f)
    {
        HyperParameter.InUnitIntervalOpen(momentum, nameof(momentum));
        HyperParameter.InUnitIntervalClosed(dampening, nameof(dampening));
        HyperParameter.NonNegative(weightDecay, nameof(weightDecay));
        if (nesterov && (momentum <= 0f || dampening != 0f))
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening", nameof(nesterov));
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
        _oneMinusDampening = (float)(1.0 - HyperParameter.AsWritten(dampening));
    }

    /// <summary>The momentum μ (0 = plain SGD).</summary>
    public float Momentum { get; }

    /// <summary>The dampening d.</summary>
    public float Dampening { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>The coupled weight decay λ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    public string Name => Nesterov ? "Nesterov" : Momentum != 0f ? "SgdMomentum" : "Sgd";

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount) => new(Momentum != 0f ? 1 : 0, parameterCount);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, OptimizerState state, in OptimizerStep step)
    {
        bool hasMomentum = Momentum != 0f;
        UpdateArguments.Check(parameters.Length, gradients.Length, state, hasMomentum ? 1 : 0, step);
        Span<float> buffer = hasMomentum ? state.Buffer(0) : Span<float>.Empty;
        int d = step.DecayedCount;
        if (!hasMomentum)
        {
            // Plain SGD as one explicit SIMD loop (bit-identical to Kernel.Apply). Splitting it over the cores alone
            // saves little (the pass is bound by cache bandwidth), but it keeps the GEMM helper spinning between a
            // step's products, so that they hand over without a kernel wake-up.
            ChunkedUpdate<PlainUpdate>.Run(new PlainUpdate(step.LearningRate, WeightDecay), new PlainUpdate(step.LearningRate, 0f),
                parameters, gradients, default, default, default, d, step.MaxThreads);
            return;
        }

        var kernel = new Kernel(step.LearningRate, WeightDecay, Momentum, _oneMinusDampening, hasMomentum, step.Step == 1, Nesterov);
        ChunkedUpdate<ElementwiseUpdate<Kernel>>.Run(new(kernel), new(kernel with { Decay = 0f }), parameters, gradients, buffer, default, default, d, step.MaxThreads);
    }

    /// <summary><see cref="Plain"/> as a range update.</summary>
    private readonly struct PlainUpdate(float learningRate, float decay) : IRangeUpdate
    {
        private readonly float _learningRate = learningRate, _decay = decay;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Run(Span<float> theta, ReadOnlySpan<float> gradient, Span<float> s0, Span<float> s1, Span<float> s2) =>
            Plain(theta, gradient, _learningRate, _decay);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Plain(Span<float> theta, ReadOnlySpan<float> gradient, float learningRate, float decay)
    {
        int n = theta.Length;
        ref float p = ref MemoryMarshal.GetReference(theta);
        ref float g = ref MemoryMarshal.GetReference(gradient);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> lr = Vector512.Create(learningRate), dc = Vector512.Create(decay);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> t = Vector512.LoadUnsafe(ref p, (nuint)i), gr = Vector512.LoadUnsafe(ref g, (nuint)i);
                if (decay != 0f) gr += dc * t;
                (t - lr * gr).StoreUnsafe(ref p, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> lr = Vector256.Create(learningRate), dc = Vector256.Create(decay);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> t = Vector256.LoadUnsafe(ref p, (nuint)i), gr = Vector256.LoadUnsafe(ref g, (nuint)i);
                if (decay != 0f) gr += dc * t;
                (t - lr * gr).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float t = Unsafe.Add(ref p, i), gr = Unsafe.Add(ref g, i);
            if (decay != 0f) gr += decay * t;
            Unsafe.Add(ref p, i) = t - learningRate * gr;
        }
    }

    private readonly record struct Kernel(float LearningRate, float Decay, float Momentum, float OneMinusDampening,
        bool HasMomentum, bool First, bool Nesterov) : IElementwiseKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(ref Vector<float> theta, Vector<float> gradient, ref Vector<float> b, ref Vector<float> s1, ref Vector<float> s2)
        {
            Vector<float> g = gradient;
            if (Decay != 0f) g += Decay * theta;
            if (HasMomentum)
            {
                b = First ? g : Momentum * b + OneMinusDampening * g;
                g = Nesterov ? g + Momentum * b : b;
            }
            theta -= LearningRate * g;
        }
    }
}
