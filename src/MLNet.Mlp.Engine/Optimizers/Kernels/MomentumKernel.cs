using System.Numerics;
using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Optimizers.Kernels;

/// <summary>
/// The fused update of the dampened (moving-average) momentum: the chain tail [<see cref="MomentumTrace"/> (from
/// zero, no Nesterov), <see cref="ScaleByLearningRate"/>] in one pass. <see cref="SgdKernel"/> would compute the
/// same bits, but its per-element selections (first step, Nesterov, L2) make this common case measurably slower.
/// </summary>
internal sealed class MomentumKernel(MomentumTrace trace, int buffer) : FusedUpdate
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(Span<float> parameters, ReadOnlySpan<float> updates, OptimizerState state, in OptimizerStep step)
    {
        var kernel = new Kernel(step.LearningRate, trace.Momentum, trace.OneMinusDampening);
        ChunkedUpdate<ElementwiseUpdate<Kernel>>.Run(new(kernel), new(kernel), parameters, updates, state.Buffer(buffer), default, default, 0, step.MaxThreads);
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
