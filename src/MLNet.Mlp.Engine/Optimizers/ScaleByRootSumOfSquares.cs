using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using MLNet.Mlp.Optimizers.Kernels;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// Adagrad's scaling as a chain link: divides the update by the root of the sum of its squares so far (optax's
/// <c>scale_by_rss</c>). <see cref="AdagradOptimizer"/> is this link and <see cref="ScaleByLearningRate"/>.
/// </summary>
/// <remarks>
/// <code>
/// G ← G + u²
/// u ← u / (√G + ε)
/// </code>
/// <para>Conventions (PyTorch's): G starts at <see cref="InitialAccumulator"/> (default 0) and ε (default 1e-10) is
/// added outside the root. Keras: ε = 1e-7 outside, G₀ = 0.1. optax: ε inside the root, G₀ = 0.1, and a zero G
/// gives a zero update.</para>
/// <para>Role <see cref="TransformationRole.Scaling"/>. State: buffer 0 = G.</para>
/// </remarks>
public sealed class ScaleByRootSumOfSquares : IGradientTransformation
{
    /// <summary>Creates the link (PyTorch's defaults).</summary>
    /// <param name="epsilon">ε &gt; 0, added to √G. Default 1e-10.</param>
    /// <param name="initialAccumulator">The starting value of G, ≥ 0. Default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range; the message names it.</exception>
    public ScaleByRootSumOfSquares(float epsilon = 1e-10f, float initialAccumulator = 0f)
    {
        HyperParameter.Positive(epsilon, nameof(epsilon));
        HyperParameter.NonNegative(initialAccumulator, nameof(initialAccumulator));
        Epsilon = epsilon;
        InitialAccumulator = initialAccumulator;
    }

    /// <summary>ε, added outside the square root.</summary>
    public float Epsilon { get; }

    /// <summary>The initial value of the accumulator G.</summary>
    public float InitialAccumulator { get; }

    /// <inheritdoc/>
    public string Name => "ScaleByRootSumOfSquares";

    /// <inheritdoc/>
    public TransformationRole Role => TransformationRole.Scaling;

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount)
    {
        var state = new OptimizerState(1, parameterCount);
        if (InitialAccumulator != 0f) state.Buffer(0).Fill(InitialAccumulator);
        return state;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(Span<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step)
    {
        UpdateArguments.Check(parameters.Length, updates.Length, state, 1, step);
        var kernel = new Kernel(Epsilon);
        // u rides in the kernel's parameter slot; the gradient slot is unused.
        ChunkedUpdate<ElementwiseUpdate<Kernel>>.Run(new(kernel), new(kernel), updates, updates, state.Buffer(0), default, default, 0, step.MaxThreads);
    }

    /// <summary>The hyper-parameters, for messages.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"ScaleByRootSumOfSquares(ε = {Epsilon}, G₀ = {InitialAccumulator})");

    // The same operations, in the same order, as the fused Adagrad update (AdagradKernel.Kernel).
    private readonly record struct Kernel(float Epsilon) : IElementwiseKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(ref Vector<float> u, Vector<float> unused, ref Vector<float> sum, ref Vector<float> s1, ref Vector<float> s2)
        {
            Vector<float> g = u;
            sum += g * g;
            u = g / (Vector.SquareRoot(sum) + new Vector<float>(Epsilon));
        }
    }
}
