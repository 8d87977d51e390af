using System.Numerics;
using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// Gradient descent with momentum in the dampened (exponential moving average) form of the seed notes and of
/// Andrew Ng's course: v_t = β v_{t−1} + (1 − β) g_t, v₀ = 0; θ ← θ − η v_t.
/// </summary>
/// <remarks>
/// <para>This differs from PyTorch. <c>torch.optim.SGD(momentum=μ)</c> uses the classic form v_t = μ v_{t−1} + g_t
/// (here: <see cref="SgdOptimizer"/>), whose steps are about 1/(1 − μ) times larger. PyTorch with
/// <c>dampening=μ</c> comes close to this class but starts its buffer at v₁ = g₁ instead of (1 − β) g₁, so the
/// two trajectories differ from the first step on (this class takes a first step of η (1 − β) g₁, PyTorch η g₁).
/// Keras's <c>SGD(momentum=…)</c> is the classic form, written v ← μv − ηg.</para>
/// <para>State: buffer 0 = the velocity v. One vectorized pass per update, no allocation.</para>
/// </remarks>
public sealed class MomentumOptimizer : IOptimizer
{
    private readonly float _oneMinusBeta;

    /// <summary>Creates the dampened momentum optimizer.</summary>
    /// <param name="beta">β in [0, 1): the decay of the moving average (0 is plain SGD). Default 0.9.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is out of range; the message names it.</exception>
    public MomentumOptimizer(float beta = 0.9f)
    {
        HyperParameter.InUnitIntervalOpen(beta, nameof(beta));
        Beta = beta;
        _oneMinusBeta = (float)(1.0 - HyperParameter.AsWritten(beta));
    }

    /// <summary>β, the decay of the velocity.</summary>
    public float Beta { get; }

    /// <inheritdoc/>
    public string Name => "Momentum";

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount) => new(1, parameterCount);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, OptimizerState state, in OptimizerStep step)
    {
        UpdateArguments.Check(parameters.Length, gradients.Length, state, 1, step);
        var kernel = new Kernel(step.LearningRate, Beta, _oneMinusBeta);
        ChunkedUpdate<ElementwiseUpdate<Kernel>>.Run(new(kernel), new(kernel), parameters, gradients, state.Buffer(0), default, default, 0, step.MaxThreads);
    }

    private readonly record struct Kernel(float LearningRate, float Beta, float OneMinusBeta) : IElementwiseKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(ref Vector<float> theta, Vector<float> gradient, ref Vector<float> v, ref Vector<float> s1, ref Vector<float> s2)
        {
            v = Beta * v + OneMinusBeta * gradient;
            theta -= LearningRate * v;
        }
    }
}
