using System.Numerics;
using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Optimizers.Kernels;

/// <summary>
/// The fused Adagrad update: the chain tail [<see cref="L2Regularization"/>?, <see cref="ScaleByRootSumOfSquares"/>,
/// <see cref="ScaleByLearningRate"/>] in one pass.
/// </summary>
internal sealed class AdagradKernel(L2Regularization? l2, ScaleByRootSumOfSquares rss, int buffer) : FusedUpdate
{
    private readonly float _decay = l2?.Lambda ?? 0f;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(Span<float> parameters, ReadOnlySpan<float> updates, OptimizerState state, in OptimizerStep step)
    {
        int d = step.DecayedCount;
        var kernel = new Kernel(step.LearningRate, _decay, rss.Epsilon);
        ChunkedUpdate<ElementwiseUpdate<Kernel>>.Run(new(kernel), new(kernel with { Decay = 0f }), parameters, updates,
            state.Buffer(buffer), default, default, d, step.MaxThreads);
    }

    private readonly record struct Kernel(float LearningRate, float Decay, float Epsilon) : IElementwiseKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(ref Vector<float> theta, Vector<float> gradient, ref Vector<float> sum, ref Vector<float> s1, ref Vector<float> s2)
        {
            Vector<float> g = gradient;
            if (Decay != 0f) g += Decay * theta;
            sum += g * g;
            theta -= LearningRate * (g / (Vector.SquareRoot(sum) + new Vector<float>(Epsilon)));
        }
    }
}
