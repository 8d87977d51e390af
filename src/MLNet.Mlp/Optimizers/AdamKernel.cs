using System.Numerics;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// The fused Adam / AdamW / AMSGrad update shared by <see cref="AdamOptimizer"/> and <see cref="AdamWOptimizer"/>:
/// one pass does the (coupled or decoupled) weight decay, both moments, the optional running maximum and the step.
/// </summary>
internal static class AdamKernel
{
    /// <summary>Runs one update; <paramref name="coupledDecay"/> and <paramref name="decoupledDecay"/> touch the prefix only.</summary>
    public static void Update(Span<float> parameters, ReadOnlySpan<float> gradients, OptimizerState state, in OptimizerStep step,
        float beta1, double beta1Written, float beta2, double beta2Written, float epsilon, bool amsgrad,
        float coupledDecay, float decoupledDecay)
    {
        UpdateArguments.Check(parameters.Length, gradients.Length, state, amsgrad ? 3 : 2, step);
        double lr = step.LearningRate;
        double biasCorrection1 = 1.0 - Math.Pow(beta1Written, step.Step);
        double biasCorrection2 = 1.0 - Math.Pow(beta2Written, step.Step);
        var kernel = new Kernel(
            Beta1: beta1, OneMinusBeta1: (float)(1.0 - beta1Written),
            Beta2: beta2, OneMinusBeta2: (float)(1.0 - beta2Written),
            StepSize: (float)(lr / biasCorrection1), BiasCorrection2Sqrt: (float)Math.Sqrt(biasCorrection2),
            Epsilon: epsilon, AmsGrad: amsgrad,
            CoupledDecay: coupledDecay, DecoupledScale: decoupledDecay != 0f ? (float)(1.0 - lr * decoupledDecay) : 1f);
        Span<float> m = state.Buffer(0), v = state.Buffer(1), vMax = amsgrad ? state.Buffer(2) : default;
        int d = step.DecayedCount;
        ElementwiseLoop.Run(kernel, parameters[..d], gradients[..d], m[..d], v[..d], amsgrad ? vMax[..d] : default);
        ElementwiseLoop.Run(kernel with { CoupledDecay = 0f, DecoupledScale = 1f }, parameters[d..], gradients[d..], m[d..], v[d..], amsgrad ? vMax[d..] : default);
    }

    private readonly record struct Kernel(float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2,
        float StepSize, float BiasCorrection2Sqrt, float Epsilon, bool AmsGrad, float CoupledDecay, float DecoupledScale) : IElementwiseKernel
    {
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
