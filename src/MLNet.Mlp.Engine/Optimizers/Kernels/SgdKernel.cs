using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLNet.Mlp.Optimizers.Kernels;

/// <summary>
/// The fused SGD update: the chain tail [<see cref="L2Regularization"/>?, <see cref="MomentumTrace"/>?,
/// <see cref="ScaleByLearningRate"/>] in one pass (plain SGD, classic, dampened and Nesterov momentum).
/// </summary>
internal sealed class SgdKernel(L2Regularization? l2, MomentumTrace? trace, int buffer) : FusedUpdate
{
    private readonly float _decay = l2?.Lambda ?? 0f;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(Span<float> parameters, ReadOnlySpan<float> updates, OptimizerState state, in OptimizerStep step)
    {
        int d = step.DecayedCount;
        if (trace is null)
        {
            // Plain SGD as one explicit SIMD loop (bit-identical to Kernel.Apply). Splitting it over the cores alone
            // saves little (the pass is bound by cache bandwidth), but it keeps the GEMM helper spinning between a
            // step's products, so that they hand over without a kernel wake-up.
            ChunkedUpdate<PlainUpdate>.Run(new PlainUpdate(step.LearningRate, _decay), new PlainUpdate(step.LearningRate, 0f),
                parameters, updates, default, default, default, d, step.MaxThreads);
            return;
        }

        var kernel = new Kernel(step.LearningRate, _decay, trace.Momentum, trace.OneMinusDampening,
            trace.StartsFromFirstUpdate && step.Step == 1, trace.Nesterov);
        ChunkedUpdate<ElementwiseUpdate<Kernel>>.Run(new(kernel), new(kernel with { Decay = 0f }), parameters, updates,
            state.Buffer(buffer), default, default, d, step.MaxThreads);
    }

    /// <summary><see cref="Plain"/> as a range update.</summary>
    internal readonly struct PlainUpdate(float learningRate, float decay) : IRangeUpdate
    {
        private readonly float _learningRate = learningRate, _decay = decay;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Run(Span<float> theta, ReadOnlySpan<float> gradient, Span<float> s0, Span<float> s1, Span<float> s2) =>
            Plain(theta, gradient, _learningRate, _decay);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Plain(Span<float> theta, ReadOnlySpan<float> gradient, float learningRate, float decay)
    {
        int n = theta.Length;
        ref float p = ref MemoryMarshal.GetReference(theta);
        ref float g = ref MemoryMarshal.GetReference(gradient);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> lr = Vector512.Create(learningRate), dc = Vector512.Create(decay);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> t = Vector512.LoadUnsafe(ref p, (nuint)i), gr = Vector512.LoadUnsafe(ref g, (nuint)i);
                if (decay != 0f) gr += dc * t;
                (t - lr * gr).StoreUnsafe(ref p, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> lr = Vector256.Create(learningRate), dc = Vector256.Create(decay);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> t = Vector256.LoadUnsafe(ref p, (nuint)i), gr = Vector256.LoadUnsafe(ref g, (nuint)i);
                if (decay != 0f) gr += dc * t;
                (t - lr * gr).StoreUnsafe(ref p, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> lr = Vector128.Create(learningRate), dc = Vector128.Create(decay);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> t = Vector128.LoadUnsafe(ref p, (nuint)i), gr = Vector128.LoadUnsafe(ref g, (nuint)i);
                if (decay != 0f) gr += dc * t;
                (t - lr * gr).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float t = Unsafe.Add(ref p, i), gr = Unsafe.Add(ref g, i);
            if (decay != 0f) gr += decay * t;
            Unsafe.Add(ref p, i) = t - learningRate * gr;
        }
    }

    private readonly record struct Kernel(float LearningRate, float Decay, float Momentum, float OneMinusDampening,
        bool First, bool Nesterov) : IElementwiseKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(ref Vector<float> theta, Vector<float> gradient, ref Vector<float> b, ref Vector<float> s1, ref Vector<float> s2)
        {
            Vector<float> g = gradient;
            if (Decay != 0f) g += Decay * theta;
            b = First ? g : Momentum * b + OneMinusDampening * g;
            g = Nesterov ? g + Momentum * b : b;
            theta -= LearningRate * g;
        }
    }
}
