using System.Numerics;
using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Optimizers.Kernels;

/// <summary>
/// The fused RMSProp update: the chain tail [<see cref="L2Regularization"/>?, <see cref="ScaleByRms"/>,
/// <see cref="MomentumTrace"/>? (undampened, from zero, no Nesterov), <see cref="ScaleByLearningRate"/>] in one pass.
/// </summary>
internal sealed class RmsPropKernel(L2Regularization? l2, ScaleByRms rms, MomentumTrace? trace, int[] rmsBuffers, int traceBuffer) : FusedUpdate
{
    private readonly float _decay = l2?.Lambda ?? 0f;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(Span<float> parameters, ReadOnlySpan<float> updates, OptimizerState state, in OptimizerStep step)
    {
        Span<float> s = state.Buffer(rmsBuffers[0]);
        Span<float> b = trace != null ? state.Buffer(traceBuffer) : default;
        Span<float> a = rms.Centered ? state.Buffer(rmsBuffers[1]) : default;
        int d = step.DecayedCount;
        var kernel = new Kernel(step.LearningRate, _decay, rms.Rho, rms.OneMinusRho, rms.Epsilon, trace?.Momentum ?? 0f, trace != null, rms.Centered);
        ChunkedUpdate<ElementwiseUpdate<Kernel>>.Run(new(kernel), new(kernel with { Decay = 0f }), parameters, updates, s, b, a, d, step.MaxThreads);
    }

    private readonly record struct Kernel(float LearningRate, float Decay, float Rho, float OneMinusRho, float Epsilon,
        float Momentum, bool HasMomentum, bool Centered) : IElementwiseKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(ref Vector<float> theta, Vector<float> gradient, ref Vector<float> s, ref Vector<float> b, ref Vector<float> a)
        {
            Vector<float> g = gradient;
            if (Decay != 0f) g += Decay * theta;
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

            if (HasMomentum)
            {
                b = Momentum * b + g / denominator;
                theta -= LearningRate * b;
            }
            else
            {
                theta -= LearningRate * (g / denominator);
            }
        }
    }
}
