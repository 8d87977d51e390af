using System.Globalization;
using System.Runtime.CompilerServices;
using MLNet.Mlp.Numerics;
using MLNet.Mlp.Numerics.Elementwise;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// Decoupled weight decay as a chain link (Loshchilov and Hutter's "W"): θ ← θ (1 − η λ) on the weight matrices,
/// leaving the update u alone. <see cref="AdamWOptimizer"/>, <see cref="DecoupledWeightDecay"/> and the trainers'
/// <c>WeightDecay</c> option all put this link in their chain.
/// </summary>
/// <remarks>
/// <code>
/// θ ← θ (1 − η λ)        (the first DecayedCount values only: weights, not biases or batch-norm parameters)
/// </code>
/// <para>Conventions: the decay is scaled by the step's learning rate η, as in <c>torch.optim.AdamW</c> and Keras's
/// <c>weight_decay</c>; the paper and optax's <c>add_decayed_weights</c> (placed after the scaling) scale it by the
/// schedule's multiplier only. The factor 1 − η λ is computed in double and rounded once. The decay multiplies θ
/// before the links after it read θ, as PyTorch's AdamW does before its Adam step; placed after
/// <see cref="L2Regularization"/> it leaves the L2 term computed from the undecayed θ.</para>
/// <para>Role <see cref="TransformationRole.DecoupledDecay"/>; no state.</para>
/// </remarks>
public sealed class WeightDecay : IGradientTransformation, IParameterTransformation
{
    /// <summary>Creates the link.</summary>
    /// <param name="weightDecay">λ ≥ 0: each update multiplies the weight matrices by 1 − η λ.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weightDecay"/> is out of range; the message names it.</exception>
    public WeightDecay(float weightDecay)
    {
        HyperParameter.NonNegative(weightDecay, nameof(weightDecay));
        Lambda = weightDecay;
    }

    /// <summary>The decay rate λ.</summary>
    public float Lambda { get; }

    /// <inheritdoc/>
    public string Name => "WeightDecay";

    /// <inheritdoc/>
    public TransformationRole Role => TransformationRole.DecoupledDecay;

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount) => new(0, parameterCount);

    /// <inheritdoc/>
    public void Update(Span<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step) =>
        Apply(updates, state, parameters, step);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(ReadOnlySpan<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step)
    {
        UpdateArguments.Check(parameters.Length, updates.Length, step);
        if (Lambda == 0f) return;
        SpanMultiply.ByScalar(parameters[..step.DecayedCount], DecayFactor(step.LearningRate, Lambda));
    }

    /// <summary>1 − η λ, computed in double and rounded once (the fused Adam update uses the same factor).</summary>
    internal static float DecayFactor(float learningRate, float lambda) => (float)(1.0 - (double)learningRate * lambda);

    /// <summary>The name and λ, for messages.</summary>
    public override string ToString() => $"WeightDecay(λ = {Lambda.ToString(CultureInfo.InvariantCulture)})";
}
