using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// Gradient clipping by value: g ← clamp(g, −c, c), element by element (<c>torch.nn.utils.clip_grad_value_</c>,
/// optax <c>clip</c>, Keras <c>clipvalue</c>). A remedy for exploding gradients; it can change the gradient's
/// direction, which <see cref="ClipByGlobalNorm"/> does not.
/// </summary>
/// <remarks>NaN gradients stay NaN (so that divergence is still detected). Usable as a gradient transform
/// (<see cref="Training.TrainingOptions.GradientTransforms"/>) and as a chain link of role
/// <see cref="TransformationRole.Clipping"/> (no state). Vectorized, no allocation.</remarks>
public sealed class ClipByValue : IGradientTransform, IGradientTransformation
{
    /// <summary>Creates the transform.</summary>
    /// <param name="limit">c &gt; 0: gradients are clamped to [−c, c].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is out of range; the message names it.</exception>
    public ClipByValue(float limit)
    {
        HyperParameter.Positive(limit, nameof(limit));
        Limit = limit;
    }

    /// <summary>The limit c.</summary>
    public float Limit { get; }

    /// <inheritdoc cref="IGradientTransform.Name"/>
    public string Name => "ClipByValue";

    /// <inheritdoc/>
    public TransformationRole Role => TransformationRole.Clipping;

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount) => new(0, parameterCount);

    /// <inheritdoc/>
    public void Update(Span<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step) =>
        Apply(updates, parameters, step);

    /// <summary>The name and the limit, for messages.</summary>
    public override string ToString() => $"ClipByValue(c = {Limit.ToString(CultureInfo.InvariantCulture)})";

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(Span<float> gradients, ReadOnlySpan<float> parameters, in OptimizerStep step)
    {
        var high = new Vector<float>(Limit);
        var low = new Vector<float>(-Limit);
        int i = 0;
        for (; i <= gradients.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var g = new Vector<float>(gradients[i..]);
            Vector.Min(Vector.Max(g, low), high).CopyTo(gradients[i..]);
        }

        for (; i < gradients.Length; i++) gradients[i] = MathF.Min(MathF.Max(gradients[i], -Limit), Limit);
    }
}
