using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLNet.Mlp.Optimizers.Kernels;

/// <summary>
/// The fused Adam / AdamW / AMSGrad update: the chain tail [<see cref="L2Regularization"/>?, <see cref="WeightDecay"/>?,
/// <see cref="ScaleByAdam"/>, <see cref="ScaleByLearningRate"/>] in one pass, which does the coupled L2 term, the
/// decoupled decay, both moments, the optional running maximum and the step.
/// </summary>
internal sealed class AdamKernel(L2Regularization? l2, WeightDecay? decay, ScaleByAdam adam, int[] buffers) : FusedUpdate
{
    private readonly float _coupledDecay = l2?.Lambda ?? 0f, _decoupledDecay = decay?.Lambda ?? 0f;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(Span<float> parameters, ReadOnlySpan<float> updates, OptimizerState state, in OptimizerStep step) =>
        Update(parameters, updates, state.Buffer(buffers[0]), state.Buffer(buffers[1]), adam.AmsGrad ? state.Buffer(buffers[2]) : default, step,
            adam.Beta1, adam.Beta1AsWritten, adam.Beta2, adam.Beta2AsWritten, adam.Epsilon, adam.AmsGrad, _coupledDecay, _decoupledDecay);

    /// <summary>Runs one update; <paramref name="coupledDecay"/> and <paramref name="decoupledDecay"/> touch the prefix only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Update(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> m, Span<float> v, Span<float> vMax, in OptimizerStep step,
        float beta1, double beta1Written, float beta2, double beta2Written, float epsilon, bool amsgrad,
        float coupledDecay, float decoupledDecay)
    {
        double lr = step.LearningRate;
        double biasCorrection1 = 1.0 - Math.Pow(beta1Written, step.Step);
        double biasCorrection2 = 1.0 - Math.Pow(beta2Written, step.Step);
        var kernel = new Kernel(
            Beta1: beta1, OneMinusBeta1: (float)(1.0 - beta1Written),
            Beta2: beta2, OneMinusBeta2: (float)(1.0 - beta2Written),
            StepSize: (float)(lr / biasCorrection1), BiasCorrection2Sqrt: (float)Math.Sqrt(biasCorrection2),
            Epsilon: epsilon, AmsGrad: amsgrad,
            CoupledDecay: coupledDecay, DecoupledScale: decoupledDecay != 0f ? (float)(1.0 - lr * decoupledDecay) : 1f);
        int d = step.DecayedCount;
        var rest = kernel with { CoupledDecay = 0f, DecoupledScale = 1f };
        // Adam's square root and two divisions per element make it compute-bound, as costly as a whole forward
        // product of a small network: large buffers are split over the cores.
        if (!amsgrad)
        {
            // The common case as one explicit SIMD loop: same operations in the same order as Kernel.Apply (no FMA),
            // so bit-identical results, at 512-bit width where the hardware has it.
            ChunkedUpdate<PlainUpdate>.Run(new PlainUpdate(kernel), new PlainUpdate(rest), parameters, gradients, m, v, default, d, step.MaxThreads);
            return;
        }

        ChunkedUpdate<ElementwiseUpdate<Kernel>>.Run(new(kernel), new(rest), parameters, gradients, m, v, vMax, d, step.MaxThreads);
    }

    /// <summary><see cref="Plain"/> as a range update.</summary>
    internal readonly struct PlainUpdate(Kernel kernel) : IRangeUpdate
    {
        private readonly Kernel _kernel = kernel;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Run(Span<float> theta, ReadOnlySpan<float> gradient, Span<float> s0, Span<float> s1, Span<float> s2) =>
            Plain(_kernel, theta, gradient, s0, s1);
    }

    // Called every step: compiled optimized from the first call (see docs/jit-tiering.md).
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Plain(in Kernel k, Span<float> theta, ReadOnlySpan<float> gradient, Span<float> mBuffer, Span<float> vBuffer)
    {
        int n = theta.Length;
        if (gradient.Length != n || mBuffer.Length != n || vBuffer.Length != n) throw new ArgumentException("Buffer lengths differ.");
        ref float p = ref MemoryMarshal.GetReference(theta);
        ref float g = ref MemoryMarshal.GetReference(gradient);
        ref float rm = ref MemoryMarshal.GetReference(mBuffer);
        ref float rv = ref MemoryMarshal.GetReference(vBuffer);
        float cd = k.CoupledDecay, ds = k.DecoupledScale, b1 = k.Beta1, c1 = k.OneMinusBeta1, b2 = k.Beta2, c2 = k.OneMinusBeta2,
            bc = k.BiasCorrection2Sqrt, eps = k.Epsilon, stepSize = k.StepSize;
        bool hasCd = cd != 0f, hasDs = ds != 1f;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> vcd = Vector512.Create(cd), vds = Vector512.Create(ds), vb1 = Vector512.Create(b1), vc1 = Vector512.Create(c1),
                vb2 = Vector512.Create(b2), vc2 = Vector512.Create(c2), vbc = Vector512.Create(bc), veps = Vector512.Create(eps), vstep = Vector512.Create(stepSize);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                nuint at = (nuint)i;
                Vector512<float> t = Vector512.LoadUnsafe(ref p, at), gr = Vector512.LoadUnsafe(ref g, at);
                if (hasCd) gr += vcd * t;
                if (hasDs) t *= vds;
                Vector512<float> mm = vb1 * Vector512.LoadUnsafe(ref rm, at) + vc1 * gr;
                Vector512<float> vv = vb2 * Vector512.LoadUnsafe(ref rv, at) + vc2 * (gr * gr);
                Vector512<float> den = Vector512.Sqrt(vv) / vbc + veps;
                t -= vstep * (mm / den);
                mm.StoreUnsafe(ref rm, at);
                vv.StoreUnsafe(ref rv, at);
                t.StoreUnsafe(ref p, at);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vcd = Vector256.Create(cd), vds = Vector256.Create(ds), vb1 = Vector256.Create(b1), vc1 = Vector256.Create(c1),
                vb2 = Vector256.Create(b2), vc2 = Vector256.Create(c2), vbc = Vector256.Create(bc), veps = Vector256.Create(eps), vstep = Vector256.Create(stepSize);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                nuint at = (nuint)i;
                Vector256<float> t = Vector256.LoadUnsafe(ref p, at), gr = Vector256.LoadUnsafe(ref g, at);
                if (hasCd) gr += vcd * t;
                if (hasDs) t *= vds;
                Vector256<float> mm = vb1 * Vector256.LoadUnsafe(ref rm, at) + vc1 * gr;
                Vector256<float> vv = vb2 * Vector256.LoadUnsafe(ref rv, at) + vc2 * (gr * gr);
                Vector256<float> den = Vector256.Sqrt(vv) / vbc + veps;
                t -= vstep * (mm / den);
                mm.StoreUnsafe(ref rm, at);
                vv.StoreUnsafe(ref rv, at);
                t.StoreUnsafe(ref p, at);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> vcd = Vector128.Create(cd), vds = Vector128.Create(ds), vb1 = Vector128.Create(b1), vc1 = Vector128.Create(c1),
                vb2 = Vector128.Create(b2), vc2 = Vector128.Create(c2), vbc = Vector128.Create(bc), veps = Vector128.Create(eps), vstep = Vector128.Create(stepSize);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                nuint at = (nuint)i;
                Vector128<float> t = Vector128.LoadUnsafe(ref p, at), gr = Vector128.LoadUnsafe(ref g, at);
                if (hasCd) gr += vcd * t;
                if (hasDs) t *= vds;
                Vector128<float> mm = vb1 * Vector128.LoadUnsafe(ref rm, at) + vc1 * gr;
                Vector128<float> vv = vb2 * Vector128.LoadUnsafe(ref rv, at) + vc2 * (gr * gr);
                Vector128<float> den = Vector128.Sqrt(vv) / vbc + veps;
                t -= vstep * (mm / den);
                mm.StoreUnsafe(ref rm, at);
                vv.StoreUnsafe(ref rv, at);
                t.StoreUnsafe(ref p, at);
            }
        }
        for (; i < n; i++)
        {
            float t = Unsafe.Add(ref p, i), gr = Unsafe.Add(ref g, i);
            if (hasCd) gr += cd * t;
            if (hasDs) t *= ds;
            float mm = b1 * Unsafe.Add(ref rm, i) + c1 * gr;
            float vv = b2 * Unsafe.Add(ref rv, i) + c2 * (gr * gr);
            float den = MathF.Sqrt(vv) / bc + eps;
            t -= stepSize * (mm / den);
            Unsafe.Add(ref rm, i) = mm;
            Unsafe.Add(ref rv, i) = vv;
            Unsafe.Add(ref p, i) = t;
        }
    }

    internal readonly record struct Kernel(float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2,
        float StepSize, float BiasCorrection2Sqrt, float Epsilon, bool AmsGrad, float CoupledDecay, float DecoupledScale) : IElementwiseKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(ref Vector<float> theta, Vector<float> gradient, ref Vector<float> m, ref Vector<float> v, ref Vector<float> vMax)
        {
            Vector<float> g = gradient;
            if (CoupledDecay != 0f) g += CoupledDecay * theta;
            if (DecoupledScale != 1f) theta *= DecoupledScale;
            m = Beta1 * m + OneMinusBeta1 * g;
            v = Beta2 * v + OneMinusBeta2 * (g * g);
            Vector<float> second = v;
            if (AmsGrad)
            {
                vMax = Vector.Max(vMax, v);
                second = vMax;
            }

            Vector<float> denominator = Vector.SquareRoot(second) / new Vector<float>(BiasCorrection2Sqrt) + new Vector<float>(Epsilon);
            theta -= StepSize * (m / denominator);
        }
    }
}
