using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using MLNet.Mlp.Optimizers.Kernels;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// Adam's scaling as a chain link (optax's <c>scale_by_adam</c>, and <c>scale_by_amsgrad</c> with
/// <c>amsgrad</c>): running means of the update and of its square, and the update divided by the root of the latter.
/// <see cref="AdamOptimizer"/> and <see cref="AdamWOptimizer"/> are this link and <see cref="ScaleByLearningRate"/>.
/// </summary>
/// <remarks>
/// <para>At the 1-based step t:</para>
/// <code>
/// m ← β₁ m + (1 − β₁) u        v ← β₂ v + (1 − β₂) u²          (AMSGrad: v_max ← max(v_max, v), used in place of v)
/// u ← m / (√v / √(1 − β₂ᵗ) + ε)
/// and the step size of the learning-rate link becomes η / (1 − β₁ᵗ)
/// </code>
/// <para>Conventions (PyTorch's, so results can be checked against it): ε is added outside the square root, after
/// the bias correction; the first moment's bias correction 1/(1 − β₁ᵗ) is not applied to u but folded into the step
/// size η/(1 − β₁ᵗ), computed in double, which the chain passes to its last link (so the link alone, outside a chain,
/// returns m / (…), not m̂ / (…)). optax applies both corrections to the moments, m̂ / (√v̂ + ε), the same value up to
/// rounding; Keras adds its "ε-hat" to √v before the correction. AMSGrad keeps the maximum of the raw v and
/// bias-corrects it with the current step, as PyTorch does (the paper has no bias correction).</para>
/// <para>Role <see cref="TransformationRole.Scaling"/>. State: buffer 0 = m, 1 = v, 2 = v_max (AMSGrad only).</para>
/// </remarks>
public sealed class ScaleByAdam : IGradientTransformation, IStepSizeCorrection
{
    /// <summary>Creates the link (PyTorch's and Keras's defaults).</summary>
    /// <param name="beta1">β₁ in [0, 1): decay of the first moment. Default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1): decay of the second moment. Default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0, added to the corrected root. Default 1e-8.</param>
    /// <param name="amsgrad">Use the AMSGrad variant (running maximum of v).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range; the message names it.</exception>
    public ScaleByAdam(float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, bool amsgrad = false)
    {
        HyperParameter.InUnitIntervalOpen(beta1, nameof(beta1));
        HyperParameter.InUnitIntervalOpen(beta2, nameof(beta2));
        HyperParameter.Positive(epsilon, nameof(epsilon));
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        AmsGrad = amsgrad;
        Beta1AsWritten = HyperParameter.AsWritten(beta1);
        Beta2AsWritten = HyperParameter.AsWritten(beta2);
    }

    /// <summary>β₁, the decay of the first moment.</summary>
    public float Beta1 { get; }

    /// <summary>β₂, the decay of the second moment.</summary>
    public float Beta2 { get; }

    /// <summary>ε, added outside the square root.</summary>
    public float Epsilon { get; }

    /// <summary>Whether the AMSGrad variant is used.</summary>
    public bool AmsGrad { get; }

    /// <summary>β₁ as the user wrote it, in double (the bias corrections and 1 − β₁ are computed from it).</summary>
    internal double Beta1AsWritten { get; }

    /// <summary>β₂ as the user wrote it, in double.</summary>
    internal double Beta2AsWritten { get; }

    internal int BufferCount => AmsGrad ? 3 : 2;

    /// <inheritdoc/>
    public string Name => "ScaleByAdam";

    /// <inheritdoc/>
    public TransformationRole Role => TransformationRole.Scaling;

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount) => new(BufferCount, parameterCount);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(Span<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step)
    {
        UpdateArguments.Check(parameters.Length, updates.Length, state, BufferCount, step);
        var kernel = new Kernel(
            Beta1: Beta1, OneMinusBeta1: (float)(1.0 - Beta1AsWritten),
            Beta2: Beta2, OneMinusBeta2: (float)(1.0 - Beta2AsWritten),
            BiasCorrection2Sqrt: (float)Math.Sqrt(1.0 - Math.Pow(Beta2AsWritten, step.Step)),
            Epsilon: Epsilon, AmsGrad: AmsGrad);
        // u rides in the kernel's parameter slot; the gradient slot is unused.
        ChunkedUpdate<ElementwiseUpdate<Kernel>>.Run(new(kernel), new(kernel), updates, updates, state.Buffer(0), state.Buffer(1),
            AmsGrad ? state.Buffer(2) : default, 0, step.MaxThreads);
    }

    /// <inheritdoc/>
    double IStepSizeCorrection.StepSizeDivisor(long step) => 1.0 - Math.Pow(Beta1AsWritten, step);

    /// <summary>The hyper-parameters, for messages.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"ScaleByAdam(β₁ = {Beta1}, β₂ = {Beta2}, ε = {Epsilon}{(AmsGrad ? ", AMSGrad" : "")})");

    // The same operations, in the same order, as the fused Adam update (AdamKernel.Kernel) up to its last line.
    private readonly record struct Kernel(float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2,
        float BiasCorrection2Sqrt, float Epsilon, bool AmsGrad) : IElementwiseKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(ref Vector<float> u, Vector<float> unused, ref Vector<float> m, ref Vector<float> v, ref Vector<float> vMax)
        {
            Vector<float> g = u;
            m = Beta1 * m + OneMinusBeta1 * g;
            v = Beta2 * v + OneMinusBeta2 * (g * g);
            Vector<float> second = v;
            if (AmsGrad)
            {
                vMax = Vector.Max(vMax, v);
                second = vMax;
            }

            Vector<float> denominator = Vector.SquareRoot(second) / new Vector<float>(BiasCorrection2Sqrt) + new Vector<float>(Epsilon);
            u = m / denominator;
        }
    }
}
