using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MLNet.Mlp.Numerics.Elementwise;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// Gradient clipping by global norm: g ← g · min(1, c / ‖g‖₂), with ‖g‖₂ over the whole parameter buffer (all
/// layers, weights and biases together), as optax's <c>clip_by_global_norm</c> and Keras's <c>global_clipnorm</c>.
/// It keeps the gradient's direction and bounds the step, the usual remedy for exploding gradients.
/// </summary>
/// <remarks>
/// <para>PyTorch's <c>clip_grad_norm_</c> multiplies by min(1, c / (‖g‖ + 10⁻⁶)); this class uses the exact ratio,
/// so clipped gradients have norm c (to float rounding) instead of slightly less.</para>
/// <para>Determinism: the norm is accumulated in double from exact squares (a float squared is exact in double) into
/// eight interleaved partial sums (element i goes to sum i mod 8) added in a fixed order, with the same result
/// whether or not the hardware vectorizes it; so the clipping factor is bit-identical on every machine.</para>
/// <para>When the norm is not finite (a NaN or infinite gradient) the gradients are left unchanged, so that the
/// trainer's divergence check still sees them.</para>
/// <para>Usable as a gradient transform (<see cref="Training.TrainingOptions.GradientTransforms"/>) and as a chain
/// link of role <see cref="TransformationRole.Clipping"/> (no state).</para>
/// </remarks>
public sealed class ClipByGlobalNorm : IGradientTransform, IGradientTransformation
{
    /// <summary>Creates the transform.</summary>
    /// <param name="maxNorm">c &gt; 0, the largest allowed ‖g‖₂.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is out of range; the message names it.</exception>
    public ClipByGlobalNorm(float maxNorm)
    {
        HyperParameter.Positive(maxNorm, nameof(maxNorm));
        MaxNorm = maxNorm;
    }

    /// <summary>The largest allowed global norm c.</summary>
    public float MaxNorm { get; }

    /// <inheritdoc cref="IGradientTransform.Name"/>
    public string Name => "ClipByGlobalNorm";

    /// <inheritdoc/>
    public TransformationRole Role => TransformationRole.Clipping;

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount) => new(0, parameterCount);

    /// <inheritdoc/>
    public void Update(Span<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step) =>
        Apply(updates, parameters, step);

    /// <summary>The name and the largest norm, for messages.</summary>
    public override string ToString() => $"ClipByGlobalNorm(c = {MaxNorm.ToString(CultureInfo.InvariantCulture)})";

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(Span<float> gradients, ReadOnlySpan<float> parameters, in OptimizerStep step)
    {
        double norm = GlobalNorm(gradients);
        if (!double.IsFinite(norm) || norm <= MaxNorm) return;
        SpanMultiply.ByScalar(gradients, (float)(MaxNorm / norm));
    }

    /// <summary>
    /// ‖x‖₂ computed in double, deterministically (the same bits on every machine, see the remarks of the class).
    /// </summary>
    /// <param name="values">The values, usually the whole gradient buffer.</param>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double GlobalNorm(ReadOnlySpan<float> values)
    {
        Span<double> partial = stackalloc double[8];
        partial.Clear();
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> low = Vector256<double>.Zero, high = Vector256<double>.Zero;
            for (; i <= values.Length - 8; i += 8)
            {
                (Vector256<double> a, Vector256<double> b) = Vector256.Widen(Vector256.Create(values.Slice(i, 8)));
                low += a * a;
                high += b * b;
            }

            low.CopyTo(partial);
            high.CopyTo(partial[4..]);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            // The same eight partial sums, two per vector.
            Vector128<double> p0 = Vector128<double>.Zero, p1 = Vector128<double>.Zero, p2 = Vector128<double>.Zero, p3 = Vector128<double>.Zero;
            for (; i <= values.Length - 8; i += 8)
            {
                (Vector128<double> a, Vector128<double> b) = Vector128.Widen(Vector128.Create(values.Slice(i, 4)));
                (Vector128<double> c, Vector128<double> d) = Vector128.Widen(Vector128.Create(values.Slice(i + 4, 4)));
                p0 += a * a;
                p1 += b * b;
                p2 += c * c;
                p3 += d * d;
            }

            p0.CopyTo(partial);
            p1.CopyTo(partial[2..]);
            p2.CopyTo(partial[4..]);
            p3.CopyTo(partial[6..]);
        }

        for (; i < values.Length; i++)
        {
            double v = values[i];
            partial[i & 7] += v * v;
        }

        double sum = 0;
        for (int k = 0; k < 8; k++) sum += partial[k];
        return Math.Sqrt(sum);
    }
}
