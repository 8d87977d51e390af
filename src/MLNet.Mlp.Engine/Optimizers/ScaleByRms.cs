using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using MLNet.Mlp.Optimizers.Kernels;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// RMSProp's scaling as a chain link: divides the update by the root of a running mean of its squares
/// (optax's <c>scale_by_rms</c>, or <c>scale_by_stddev</c> when centered). <see cref="RmsPropOptimizer"/> is this
/// link, an optional <see cref="MomentumTrace"/> and <see cref="ScaleByLearningRate"/>.
/// </summary>
/// <remarks>
/// <code>
/// s ← ρ s + (1 − ρ) u²
/// centered:  a ← ρ a + (1 − ρ) u;   D = √max(s − a², 0) + ε     otherwise D = √s + ε
/// u ← u / D
/// </code>
/// <para>Conventions (PyTorch's): ρ is PyTorch's <c>alpha</c> (Keras's <c>rho</c>), ε is added outside the square
/// root and the mean square starts at 0. optax adds ε inside the root by default, √(s + ε), and can start s
/// elsewhere; TF1 also put it inside. The max(·, 0) guards the centered variance against a rounding-negative value.</para>
/// <para>Role <see cref="TransformationRole.Scaling"/>. State: buffer 0 = s, buffer 1 = a (centered only).</para>
/// </remarks>
public sealed class ScaleByRms : IGradientTransformation
{
    /// <summary>Creates the link (PyTorch's defaults).</summary>
    /// <param name="rho">ρ in [0, 1): the decay of the mean square. Default 0.99.</param>
    /// <param name="epsilon">ε &gt; 0, added to the root. Default 1e-8.</param>
    /// <param name="centered">Normalize by the estimated variance s − a² instead of the mean square.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range; the message names it.</exception>
    public ScaleByRms(float rho = 0.99f, float epsilon = 1e-8f, bool centered = false)
    {
        HyperParameter.InUnitIntervalOpen(rho, nameof(rho));
        HyperParameter.Positive(epsilon, nameof(epsilon));
        Rho = rho;
        Epsilon = epsilon;
        Centered = centered;
        OneMinusRho = (float)(1.0 - HyperParameter.AsWritten(rho));
    }

    /// <summary>ρ, the decay of the mean square.</summary>
    public float Rho { get; }

    /// <summary>ε, added outside the square root.</summary>
    public float Epsilon { get; }

    /// <summary>Whether the centered variant is used.</summary>
    public bool Centered { get; }

    /// <summary>1 − ρ, computed from the value as written.</summary>
    internal float OneMinusRho { get; }

    /// <inheritdoc/>
    public string Name => "ScaleByRms";

    /// <inheritdoc/>
    public TransformationRole Role => TransformationRole.Scaling;

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount) => new(Centered ? 2 : 1, parameterCount);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(Span<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step)
    {
        UpdateArguments.Check(parameters.Length, updates.Length, state, Centered ? 2 : 1, step);
        var kernel = new Kernel(Rho, OneMinusRho, Epsilon, Centered);
        // u rides in the kernel's parameter slot; the gradient slot is unused.
        ChunkedUpdate<ElementwiseUpdate<Kernel>>.Run(new(kernel), new(kernel), updates, updates, state.Buffer(0),
            Centered ? state.Buffer(1) : default, default, 0, step.MaxThreads);
    }

    /// <summary>The hyper-parameters, for messages.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"ScaleByRms(ρ = {Rho}, ε = {Epsilon}{(Centered ? ", centered" : "")})");

    // The same operations, in the same order, as the fused RMSProp update (RmsPropKernel.Kernel).
    private readonly record struct Kernel(float Rho, float OneMinusRho, float Epsilon, bool Centered) : IElementwiseKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(ref Vector<float> u, Vector<float> unused, ref Vector<float> s, ref Vector<float> a, ref Vector<float> s2)
        {
            Vector<float> g = u;
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

            u = g / denominator;
        }
    }
}
