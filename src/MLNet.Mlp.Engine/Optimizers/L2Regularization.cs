using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// L2 regularization, a gradient transform and chain link: g ← g + λ θ on the weight matrices (the first
/// <see cref="OptimizerStep.DecayedCount"/> values), never on biases or batch-norm parameters.
/// </summary>
/// <remarks>
/// <para>Convention: the penalty added to the loss is ½ λ ‖W‖², whose gradient is λ W; this is PyTorch's
/// <c>weight_decay</c> and scikit-learn's <c>alpha</c> (which divides by the sample count as well).
/// Keras's <c>regularizers.L2(l2=λ)</c> adds λ ‖W‖² (no ½), so its gradient is 2 λ W: use twice the Keras value
/// here to match it. optax has no separate transform: <c>add_decayed_weights</c> placed before the scaling is this.
/// For decoupled decay use <see cref="WeightDecay"/> (or <see cref="AdamWOptimizer"/>, <see cref="DecoupledWeightDecay"/>).</para>
/// <para>Usable as a gradient transform (<see cref="Training.TrainingOptions.GradientTransforms"/>) and as a chain
/// link of role <see cref="TransformationRole.CoupledL2"/> (no state): the <c>weightDecay</c> argument of
/// <see cref="SgdOptimizer"/>, <see cref="AdamOptimizer"/>, <see cref="RmsPropOptimizer"/> and
/// <see cref="AdagradOptimizer"/> is this link at the head of their chain, so all of them are one thing to the
/// composition check.</para>
/// <para>The loss values the trainer reports do not include the penalty.</para>
/// </remarks>
public sealed class L2Regularization : IGradientTransform, IGradientTransformation
{
    /// <summary>Creates the transform.</summary>
    /// <param name="lambda">λ ≥ 0, the strength of the ½λ‖W‖² penalty.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lambda"/> is out of range; the message names it.</exception>
    public L2Regularization(float lambda)
    {
        HyperParameter.NonNegative(lambda, nameof(lambda));
        Lambda = lambda;
    }

    /// <summary>The penalty strength λ.</summary>
    public float Lambda { get; }

    /// <inheritdoc cref="IGradientTransform.Name"/>
    public string Name => "L2Regularization";

    /// <inheritdoc/>
    public TransformationRole Role => TransformationRole.CoupledL2;

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount) => new(0, parameterCount);

    /// <inheritdoc/>
    public void Update(Span<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step) =>
        Apply(updates, parameters, step);

    /// <summary>The name and λ, for messages.</summary>
    public override string ToString() => $"L2Regularization(λ = {Lambda.ToString(CultureInfo.InvariantCulture)})";

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(Span<float> gradients, ReadOnlySpan<float> parameters, in OptimizerStep step)
    {
        UpdateArguments.Check(parameters.Length, gradients.Length, step);
        if (Lambda == 0f) return;
        int n = step.DecayedCount;
        int i = 0;
        for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
        {
            var g = new Vector<float>(gradients[i..]);
            var p = new Vector<float>(parameters[i..]);
            (g + Lambda * p).CopyTo(gradients[i..]);
        }

        for (; i < n; i++) gradients[i] += Lambda * parameters[i];
    }
}
