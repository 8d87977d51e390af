using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using MLNet.Mlp.Optimizers.Kernels;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// A momentum trace as a chain link (optax's <c>trace</c>): a running sum of the updates, classic or dampened,
/// optionally with Nesterov's look-ahead. The momentum of <see cref="SgdOptimizer"/>, <see cref="NesterovOptimizer"/>,
/// <see cref="MomentumOptimizer"/> and <see cref="RmsPropOptimizer"/> is this link.
/// </summary>
/// <remarks>
/// <para>With momentum μ and dampening d:</para>
/// <code>
/// b₁ = u                                   (startFromFirstUpdate: PyTorch's first step)
/// b_t = μ b_{t−1} + (1 − d) u               (every other step; from b₀ = 0 without startFromFirstUpdate)
/// u ← u + μ b_t  (Nesterov)   or   u ← b_t
/// </code>
/// <para>Conventions: PyTorch's SGD starts its buffer at the first gradient, undampened (b₁ = g); optax's
/// <c>trace</c> starts from zero and has no dampening (so with d = 0 the two agree). The dampened exponential moving
/// average v_t = β v_{t−1} + (1 − β) g, v₀ = 0, of <see cref="MomentumOptimizer"/> is d = μ = β without
/// <c>startFromFirstUpdate</c>. Keras writes the classic form with the learning rate inside, v ← μ v − η g, which
/// differs from this one only when η changes between steps.</para>
/// <para>Role <see cref="TransformationRole.Scaling"/>. State: buffer 0 = b.</para>
/// </remarks>
public sealed class MomentumTrace : IGradientTransformation
{
    /// <summary>Creates the link.</summary>
    /// <param name="momentum">μ in [0, 1).</param>
    /// <param name="dampening">d in [0, 1]: the update enters the trace scaled by 1 − d. Default 0.</param>
    /// <param name="nesterov">Use Nesterov's look-ahead u + μ b_t. Requires μ &gt; 0 and d = 0.</param>
    /// <param name="startFromFirstUpdate">Set the trace to the first update on step 1 (PyTorch's SGD) instead of
    /// accumulating from zero. Default true.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range; the message names it.</exception>
    /// <exception cref="ArgumentException"><paramref name="nesterov"/> without momentum or with dampening.</exception>
    public MomentumTrace(float momentum, float dampening = 0f, bool nesterov = false, bool startFromFirstUpdate = true)
    {
        HyperParameter.InUnitIntervalOpen(momentum, nameof(momentum));
        HyperParameter.InUnitIntervalClosed(dampening, nameof(dampening));
        if (nesterov && (momentum <= 0f || dampening != 0f))
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening", nameof(nesterov));
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
        StartsFromFirstUpdate = startFromFirstUpdate;
        OneMinusDampening = (float)(1.0 - HyperParameter.AsWritten(dampening));
    }

    /// <summary>The momentum μ.</summary>
    public float Momentum { get; }

    /// <summary>The dampening d.</summary>
    public float Dampening { get; }

    /// <summary>Whether Nesterov's look-ahead is used.</summary>
    public bool Nesterov { get; }

    /// <summary>Whether the trace is set to the first update on step 1 (PyTorch) rather than accumulated from zero.</summary>
    public bool StartsFromFirstUpdate { get; }

    /// <summary>1 − d, computed from the value as written (see <see cref="HyperParameter.AsWritten"/>).</summary>
    internal float OneMinusDampening { get; }

    /// <inheritdoc/>
    public string Name => "MomentumTrace";

    /// <inheritdoc/>
    public TransformationRole Role => TransformationRole.Scaling;

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount) => new(1, parameterCount);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(Span<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step)
    {
        UpdateArguments.Check(parameters.Length, updates.Length, state, 1, step);
        var kernel = new Kernel(Momentum, OneMinusDampening, StartsFromFirstUpdate && step.Step == 1, Nesterov);
        // u rides in the kernel's parameter slot; the gradient slot is unused.
        ChunkedUpdate<ElementwiseUpdate<Kernel>>.Run(new(kernel), new(kernel), updates, updates, state.Buffer(0), default, default, 0, step.MaxThreads);
    }

    /// <summary>The hyper-parameters, for messages.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"MomentumTrace(μ = {Momentum}, d = {Dampening}{(Nesterov ? ", Nesterov" : "")}{(StartsFromFirstUpdate ? "" : ", from zero")})");

    // The same operations, in the same order, as the fused SGD update (SgdKernel.Kernel).
    private readonly record struct Kernel(float Momentum, float OneMinusDampening, bool First, bool Nesterov) : IElementwiseKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(ref Vector<float> u, Vector<float> unused, ref Vector<float> b, ref Vector<float> s1, ref Vector<float> s2)
        {
            b = First ? u : Momentum * b + OneMinusDampening * u;
            u = Nesterov ? u + Momentum * b : b;
        }
    }
}
