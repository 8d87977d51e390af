using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019), as <c>torch.optim.AdamW</c>: Adam with decoupled weight decay.
/// </summary>
/// <remarks>
/// <code>
/// θ ← θ − η λ θ                  (weight-matrix prefix only; i.e. θ ← θ (1 − η λ))
/// then the Adam step of <see cref="AdamOptimizer"/> with the raw gradient.
/// </code>
/// <para>Conventions: the decay is multiplied by the scheduled learning rate η, as in PyTorch (the paper and
/// optax's <c>add_decayed_weights</c> scale it by the schedule multiplier only; Keras's AdamW also uses η·λ).
/// PyTorch's default λ is 0.01. The same decay can be put in front of any optimizer with
/// <see cref="DecoupledWeightDecay"/>.</para>
/// <para>State: buffer 0 = m, 1 = v, 2 = v_max (AMSGrad only). One fused pass per update.</para>
/// </remarks>
public sealed class AdamWOptimizer : IOptimizer
{
    private readonly AdamOptimizer _adam;

    /// <summary>Creates an AdamW optimizer (PyTorch's defaults).</summary>
    /// <param name="beta1">β₁ in [0, 1). Default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1). Default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0, added to √v̂. Default 1e-8.</param>
    /// <param name="amsgrad">Use the AMSGrad variant.</param>
    /// <param name="weightDecay">λ ≥ 0, the decoupled decay rate. Default 0.01.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range; the message names it.</exception>
    public AdamWOptimizer(float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, bool amsgrad = false, float weightDecay = 0.01f)
    {
        _adam = new AdamOptimizer(beta1, beta2, epsilon, amsgrad);
        HyperParameter.NonNegative(weightDecay, nameof(weightDecay));
        WeightDecay = weightDecay;
    }

    /// <summary>β₁, the decay of the first moment.</summary>
    public float Beta1 => _adam.Beta1;

    /// <summary>β₂, the decay of the second moment.</summary>
    public float Beta2 => _adam.Beta2;

    /// <summary>ε, added outside the square root.</summary>
    public float Epsilon => _adam.Epsilon;

    /// <summary>Whether the AMSGrad variant is used.</summary>
    public bool AmsGrad => _adam.AmsGrad;

    /// <summary>The decoupled weight decay λ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    public string Name => "AdamW";

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount) => _adam.CreateState(parameterCount);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, OptimizerState state, in OptimizerStep step) =>
        _adam.Update(parameters, gradients, state, step, decoupledDecay: WeightDecay);
}
