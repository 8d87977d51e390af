using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Tests.Custom;

namespace MLNet.Mlp.Tests.Optimizers;

/// <summary>
/// The optimizer table (in the spirit of PyTorch's <c>optim_db</c>): every configuration, run on a 3-parameter buffer
/// θ₀ = (0.5, −0.3, 0.2) whose first 2 values are weights (DecayedCount = 2, so weight decay and L2 must skip the
/// third), with a fixed sequence of 3 gradients. The expected parameters after each update are written out by hand
/// from the update equations, one element at a time, in double (never copied from the code's output).
/// </summary>
/// <remarks>
/// Three kinds of rows: the named optimizers; chains composed from links (built-in and <see cref="UserLinks"/>, and
/// through <see cref="GradientTransformationChain.Build"/>), most of them against the very expectations of a named
/// row; and every chain again with its links run one after another instead of through a fused kernel
/// ("[links one by one]"), which must give the same trajectory.
/// </remarks>
public static class OptimizerCases
{
    /// <summary>θ₀.</summary>
    public static readonly double[] InitialParameters = [0.5, -0.3, 0.2];

    /// <summary>The weight-matrix prefix: elements 0 and 1 are decayed, element 2 (a bias) is not.</summary>
    public const int DecayedCount = 2;

    /// <summary>g₁, g₂, g₃ (rows = steps).</summary>
    public static readonly double[][] Gradients =
    [
        [0.1, -0.2, 0.3],
        [-0.05, 0.4, 0.1],
        [0.2, 0.1, -0.25],
    ];

    /// <summary>The gradients after ClipByValue(0.15), by hand.</summary>
    private static readonly double[][] ClippedByValue =
    [
        [0.1, -0.15, 0.15],
        [-0.05, 0.15, 0.1],
        [0.15, 0.1, -0.15],
    ];

    /// <summary>
    /// The gradients after ClipByGlobalNorm(0.4), by hand: ‖g₁‖ = √0.14 ≈ 0.374 and ‖g₃‖ = √0.1125 ≈ 0.335 are below
    /// 0.4 and pass unchanged; ‖g₂‖ = √0.1725 ≈ 0.415 is scaled by 0.4/√0.1725.
    /// </summary>
    private static readonly double[][] ClippedByGlobalNorm =
    [
        [0.1, -0.2, 0.3],
        [-0.05 * 0.4 / Math.Sqrt(0.05 * 0.05 + 0.4 * 0.4 + 0.1 * 0.1), 0.4 * 0.4 / Math.Sqrt(0.1725), 0.1 * 0.4 / Math.Sqrt(0.1725)],
        [0.2, 0.1, -0.25],
    ];

    /// <summary>One configuration.</summary>
    /// <param name="Name">The row's name.</param>
    /// <param name="Create">Builds the optimizer.</param>
    /// <param name="Transforms">Builds the gradient transforms that run before it.</param>
    /// <param name="LearningRate">η for every step.</param>
    /// <param name="Expected">θ after update 1, 2, 3 (rows), element by element.</param>
    public sealed record Case(string Name, Func<IOptimizer> Create, Func<IGradientTransform[]> Transforms, double LearningRate, double[][] Expected)
    {
        /// <inheritdoc/>
        public override string ToString() => Name;
    }

    /// <summary>A per-element rule: (θ₀ of the element, its gradients g[0..2], whether it is a weight) → θ after each step.</summary>
    private delegate double[] Rule(double p, double[] g, bool decayed);

    /// <summary>Every row, by name.</summary>
    public static readonly IReadOnlyDictionary<string, Case> All = Build().ToDictionary(c => c.Name);

    /// <summary>The row names, for <c>MemberData</c>.</summary>
    public static TheoryData<string> Names => new(All.Keys);

    private static double[][] ByElement(Rule rule, double[][]? gradients = null)
    {
        gradients ??= Gradients;
        var expected = new double[3][];
        for (int t = 0; t < 3; t++) expected[t] = new double[3];
        for (int i = 0; i < 3; i++)
        {
            double[] trajectory = rule(InitialParameters[i], [gradients[0][i], gradients[1][i], gradients[2][i]], i < DecayedCount);
            for (int t = 0; t < 3; t++) expected[t][i] = trajectory[t];
        }

        return expected;
    }

    private static Case Row(string name, Func<IOptimizer> create, double lr, double[][] expected, Func<IGradientTransform[]>? transforms = null) =>
        new(name, create, transforms ?? (() => []), lr, expected);

    /// <summary>The suffix of the rows that run a chain's links one after another.</summary>
    public const string OneByOne = " [links one by one]";

    private static IEnumerable<Case> Build()
    {
        var rows = Named().Concat(Chains()).ToList();
        foreach (Case row in rows) yield return row;
        foreach (Case row in rows)
        {
            if (row.Create() is GradientTransformationChain chain && chain.LinksRunOneByOne < chain.Links.Count)
                yield return row with { Name = row.Name + OneByOne, Create = () => ((GradientTransformationChain)row.Create()).WithoutFusion() };
        }
    }

    private static IEnumerable<Case> Named()
    {
        // Plain SGD, fully spelled out: θ ← θ − η g.
        yield return Row("SGD", () => new SgdOptimizer(), 0.1,
        [
            [0.5 - 0.1 * 0.1, -0.3 - 0.1 * -0.2, 0.2 - 0.1 * 0.3],
            [0.5 - 0.1 * 0.1 - 0.1 * -0.05, -0.3 - 0.1 * -0.2 - 0.1 * 0.4, 0.2 - 0.1 * 0.3 - 0.1 * 0.1],
            [0.5 - 0.1 * 0.1 - 0.1 * -0.05 - 0.1 * 0.2, -0.3 - 0.1 * -0.2 - 0.1 * 0.4 - 0.1 * 0.1, 0.2 - 0.1 * 0.3 - 0.1 * 0.1 - 0.1 * -0.25],
        ]);

        // SGD + coupled weight decay λ = 0.1: θ ← θ − η (g + λθ) on weights only.
        yield return Row("SGD weightDecay", () => new SgdOptimizer(weightDecay: 0.1f), 0.1, ByElement((p, g, w) =>
        {
            double l = w ? 0.1 : 0.0;
            double p1 = p - 0.1 * (g[0] + l * p);
            double p2 = p1 - 0.1 * (g[1] + l * p1);
            double p3 = p2 - 0.1 * (g[2] + l * p2);
            return [p1, p2, p3];
        }));

        // Classic (PyTorch) momentum μ = 0.9: b₁ = g₁, b_t = 0.9 b + g; θ ← θ − η b.
        yield return Row("SGD momentum", () => new SgdOptimizer(momentum: 0.9f), 0.1, ByElement((p, g, w) =>
        {
            double b1 = g[0];
            double p1 = p - 0.1 * b1;
            double b2 = 0.9 * b1 + g[1];
            double p2 = p1 - 0.1 * b2;
            double b3 = 0.9 * b2 + g[2];
            double p3 = p2 - 0.1 * b3;
            return [p1, p2, p3];
        }));

        // Dampened (moving-average) momentum β = 0.9: v₁ = 0.1 g₁ (v₀ = 0), v_t = 0.9 v + 0.1 g; θ ← θ − η v.
        yield return Row("Momentum (dampened)", () => new MomentumOptimizer(0.9f), 0.1, ByElement((p, g, w) =>
        {
            double v1 = 0.9 * 0 + (1 - 0.9) * g[0];
            double p1 = p - 0.1 * v1;
            double v2 = 0.9 * v1 + (1 - 0.9) * g[1];
            double p2 = p1 - 0.1 * v2;
            double v3 = 0.9 * v2 + (1 - 0.9) * g[2];
            double p3 = p2 - 0.1 * v3;
            return [p1, p2, p3];
        }));

        // PyTorch momentum 0.9 with dampening 0.9: like the dampened form, except that b₁ = g₁ (not 0.1 g₁).
        yield return Row("SGD momentum dampening", () => new SgdOptimizer(momentum: 0.9f, dampening: 0.9f), 0.1, ByElement((p, g, w) =>
        {
            double b1 = g[0];
            double p1 = p - 0.1 * b1;
            double b2 = 0.9 * b1 + (1 - 0.9) * g[1];
            double p2 = p1 - 0.1 * b2;
            double b3 = 0.9 * b2 + (1 - 0.9) * g[2];
            double p3 = p2 - 0.1 * b3;
            return [p1, p2, p3];
        }));

        // PyTorch momentum 0.9, dampening 0.5, weight decay 0.1 (decay enters the buffer).
        yield return Row("SGD momentum dampening weightDecay", () => new SgdOptimizer(0.9f, 0.5f, false, 0.1f), 0.1, ByElement((p, g, w) =>
        {
            double l = w ? 0.1 : 0.0;
            double b1 = g[0] + l * p;
            double p1 = p - 0.1 * b1;
            double b2 = 0.9 * b1 + 0.5 * (g[1] + l * p1);
            double p2 = p1 - 0.1 * b2;
            double b3 = 0.9 * b2 + 0.5 * (g[2] + l * p2);
            double p3 = p2 - 0.1 * b3;
            return [p1, p2, p3];
        }));

        // Nesterov μ = 0.9: b₁ = g₁, b_t = 0.9 b + g; θ ← θ − η (g + 0.9 b_t).
        yield return Row("Nesterov", () => new NesterovOptimizer(0.9f), 0.1, ByElement((p, g, w) =>
        {
            double b1 = g[0];
            double p1 = p - 0.1 * (g[0] + 0.9 * b1);
            double b2 = 0.9 * b1 + g[1];
            double p2 = p1 - 0.1 * (g[1] + 0.9 * b2);
            double b3 = 0.9 * b2 + g[2];
            double p3 = p2 - 0.1 * (g[2] + 0.9 * b3);
            return [p1, p2, p3];
        }));

        // SGD Nesterov with weight decay 0.1: the decayed gradient d = g + λθ feeds both the buffer and the look-ahead.
        yield return Row("SGD Nesterov weightDecay", () => new SgdOptimizer(0.9f, 0f, true, 0.1f), 0.1, ByElement((p, g, w) =>
        {
            double l = w ? 0.1 : 0.0;
            double d1 = g[0] + l * p, b1 = d1;
            double p1 = p - 0.1 * (d1 + 0.9 * b1);
            double d2 = g[1] + l * p1, b2 = 0.9 * b1 + d2;
            double p2 = p1 - 0.1 * (d2 + 0.9 * b2);
            double d3 = g[2] + l * p2, b3 = 0.9 * b2 + d3;
            double p3 = p2 - 0.1 * (d3 + 0.9 * b3);
            return [p1, p2, p3];
        }));

        // RMSProp ρ = 0.99, ε = 1e-8 outside the root: s ← 0.99 s + 0.01 g²; θ ← θ − η g / (√s + ε).
        yield return Row("RMSProp", () => new RmsPropOptimizer(), 0.01, ByElement((p, g, w) =>
        {
            double s1 = 0.01 * g[0] * g[0];
            double p1 = p - 0.01 * g[0] / (Math.Sqrt(s1) + 1e-8);
            double s2 = 0.99 * s1 + 0.01 * g[1] * g[1];
            double p2 = p1 - 0.01 * g[1] / (Math.Sqrt(s2) + 1e-8);
            double s3 = 0.99 * s2 + 0.01 * g[2] * g[2];
            double p3 = p2 - 0.01 * g[2] / (Math.Sqrt(s3) + 1e-8);
            return [p1, p2, p3];
        }));

        // Centered RMSProp with momentum: ρ = 0.9, ε = 1e-3, μ = 0.5, λ = 0.1 (coupled).
        yield return Row("RMSProp centered momentum weightDecay", () => new RmsPropOptimizer(0.9f, 1e-3f, 0.5f, true, 0.1f), 0.01, ByElement((p, g, w) =>
        {
            double l = w ? 0.1 : 0.0;
            double d1 = g[0] + l * p;
            double s1 = 0.1 * d1 * d1, a1 = 0.1 * d1;
            double b1 = d1 / (Math.Sqrt(s1 - a1 * a1) + 1e-3);
            double p1 = p - 0.01 * b1;
            double d2 = g[1] + l * p1;
            double s2 = 0.9 * s1 + 0.1 * d2 * d2, a2 = 0.9 * a1 + 0.1 * d2;
            double b2 = 0.5 * b1 + d2 / (Math.Sqrt(s2 - a2 * a2) + 1e-3);
            double p2 = p1 - 0.01 * b2;
            double d3 = g[2] + l * p2;
            double s3 = 0.9 * s2 + 0.1 * d3 * d3, a3 = 0.9 * a2 + 0.1 * d3;
            double b3 = 0.5 * b2 + d3 / (Math.Sqrt(s3 - a3 * a3) + 1e-3);
            double p3 = p2 - 0.01 * b3;
            return [p1, p2, p3];
        }));

        // Adam defaults: m ← 0.9 m + 0.1 g, v ← 0.999 v + 0.001 g², θ ← θ − η (m/(1−0.9ᵗ)) / (√(v/(1−0.999ᵗ)) + 1e-8).
        yield return Row("Adam", () => new AdamOptimizer(), 0.01, ByElement((p, g, w) =>
        {
            double m1 = 0.1 * g[0], v1 = 0.001 * g[0] * g[0];
            double p1 = p - 0.01 * (m1 / (1 - 0.9)) / (Math.Sqrt(v1 / (1 - 0.999)) + 1e-8);
            double m2 = 0.9 * m1 + 0.1 * g[1], v2 = 0.999 * v1 + 0.001 * g[1] * g[1];
            double p2 = p1 - 0.01 * (m2 / (1 - 0.9 * 0.9)) / (Math.Sqrt(v2 / (1 - 0.999 * 0.999)) + 1e-8);
            double m3 = 0.9 * m2 + 0.1 * g[2], v3 = 0.999 * v2 + 0.001 * g[2] * g[2];
            double p3 = p2 - 0.01 * (m3 / (1 - 0.9 * 0.9 * 0.9)) / (Math.Sqrt(v3 / (1 - 0.999 * 0.999 * 0.999)) + 1e-8);
            return [p1, p2, p3];
        }));

        // Adam with a large ε = 1e-3 (so its placement outside the root matters) and coupled L2 λ = 0.1.
        yield return Row("Adam epsilon weightDecay", () => new AdamOptimizer(epsilon: 1e-3f, weightDecay: 0.1f), 0.01, ByElement((p, g, w) =>
        {
            double l = w ? 0.1 : 0.0;
            double d1 = g[0] + l * p;
            double m1 = 0.1 * d1, v1 = 0.001 * d1 * d1;
            double p1 = p - 0.01 * (m1 / (1 - 0.9)) / (Math.Sqrt(v1 / (1 - 0.999)) + 1e-3);
            double d2 = g[1] + l * p1;
            double m2 = 0.9 * m1 + 0.1 * d2, v2 = 0.999 * v1 + 0.001 * d2 * d2;
            double p2 = p1 - 0.01 * (m2 / (1 - 0.81)) / (Math.Sqrt(v2 / (1 - 0.999 * 0.999)) + 1e-3);
            double d3 = g[2] + l * p2;
            double m3 = 0.9 * m2 + 0.1 * d3, v3 = 0.999 * v2 + 0.001 * d3 * d3;
            double p3 = p2 - 0.01 * (m3 / (1 - 0.729)) / (Math.Sqrt(v3 / (1 - 0.999 * 0.999 * 0.999)) + 1e-3);
            return [p1, p2, p3];
        }));

        // AMSGrad with β₂ = 0.5 so that v falls for element 1 (v₃ < v₂) and the running maximum matters:
        // v_max ← max(v_max, v); θ ← θ − η m̂ / (√(v_max/(1−0.5ᵗ)) + ε).
        yield return Row("Adam AMSGrad", () => new AdamOptimizer(beta2: 0.5f, amsgrad: true), 0.01, ByElement((p, g, w) =>
        {
            double m1 = 0.1 * g[0], v1 = 0.5 * g[0] * g[0], x1 = Math.Max(0, v1);
            double p1 = p - 0.01 * (m1 / (1 - 0.9)) / (Math.Sqrt(x1 / (1 - 0.5)) + 1e-8);
            double m2 = 0.9 * m1 + 0.1 * g[1], v2 = 0.5 * v1 + 0.5 * g[1] * g[1], x2 = Math.Max(x1, v2);
            double p2 = p1 - 0.01 * (m2 / (1 - 0.81)) / (Math.Sqrt(x2 / (1 - 0.25)) + 1e-8);
            double m3 = 0.9 * m2 + 0.1 * g[2], v3 = 0.5 * v2 + 0.5 * g[2] * g[2], x3 = Math.Max(x2, v3);
            double p3 = p2 - 0.01 * (m3 / (1 - 0.729)) / (Math.Sqrt(x3 / (1 - 0.125)) + 1e-8);
            return [p1, p2, p3];
        }));

        // AdamW λ = 0.5: θ ← θ (1 − η λ) on weights, then the Adam step (defaults).
        yield return Row("AdamW", () => new AdamWOptimizer(weightDecay: 0.5f), 0.01, ByElement((p, g, w) =>
        {
            double k = w ? 1 - 0.01 * 0.5 : 1.0;
            double m1 = 0.1 * g[0], v1 = 0.001 * g[0] * g[0];
            double p1 = p * k - 0.01 * (m1 / (1 - 0.9)) / (Math.Sqrt(v1 / (1 - 0.999)) + 1e-8);
            double m2 = 0.9 * m1 + 0.1 * g[1], v2 = 0.999 * v1 + 0.001 * g[1] * g[1];
            double p2 = p1 * k - 0.01 * (m2 / (1 - 0.81)) / (Math.Sqrt(v2 / (1 - 0.999 * 0.999)) + 1e-8);
            double m3 = 0.9 * m2 + 0.1 * g[2], v3 = 0.999 * v2 + 0.001 * g[2] * g[2];
            double p3 = p2 * k - 0.01 * (m3 / (1 - 0.729)) / (Math.Sqrt(v3 / (1 - 0.999 * 0.999 * 0.999)) + 1e-8);
            return [p1, p2, p3];
        }));

        // Adagrad defaults: G ← G + g²; θ ← θ − η g / (√G + 1e-10).
        yield return Row("Adagrad", () => new AdagradOptimizer(), 0.01, ByElement((p, g, w) =>
        {
            double G1 = 0 + g[0] * g[0];
            double p1 = p - 0.01 * g[0] / (Math.Sqrt(G1) + 1e-10);
            double G2 = G1 + g[1] * g[1];
            double p2 = p1 - 0.01 * g[1] / (Math.Sqrt(G2) + 1e-10);
            double G3 = G2 + g[2] * g[2];
            double p3 = p2 - 0.01 * g[2] / (Math.Sqrt(G3) + 1e-10);
            return [p1, p2, p3];
        }));

        // Adagrad with G₀ = 0.1 and coupled L2 λ = 0.1.
        yield return Row("Adagrad initialAccumulator weightDecay", () => new AdagradOptimizer(1e-10f, 0.1f, 0.1f), 0.1, ByElement((p, g, w) =>
        {
            double l = w ? 0.1 : 0.0;
            double d1 = g[0] + l * p, G1 = 0.1 + d1 * d1;
            double p1 = p - 0.1 * d1 / (Math.Sqrt(G1) + 1e-10);
            double d2 = g[1] + l * p1, G2 = G1 + d2 * d2;
            double p2 = p1 - 0.1 * d2 / (Math.Sqrt(G2) + 1e-10);
            double d3 = g[2] + l * p2, G3 = G2 + d3 * d3;
            double p3 = p2 - 0.1 * d3 / (Math.Sqrt(G3) + 1e-10);
            return [p1, p2, p3];
        }));

        // Decoupled weight decay λ = 0.5 around classic momentum 0.9: θ ← θ (1 − 0.1·0.5) on weights, then the SGD step.
        yield return Row("DecoupledWeightDecay(SGD momentum)", () => new DecoupledWeightDecay(new SgdOptimizer(momentum: 0.9f), 0.5f), 0.1, ByElement((p, g, w) =>
        {
            double k = w ? 1 - 0.1 * 0.5 : 1.0;
            double b1 = g[0];
            double p1 = p * k - 0.1 * b1;
            double b2 = 0.9 * b1 + g[1];
            double p2 = p1 * k - 0.1 * b2;
            double b3 = 0.9 * b2 + g[2];
            double p3 = p2 * k - 0.1 * b3;
            return [p1, p2, p3];
        }));

        // L2 regularization λ = 0.1 as a transform in front of plain SGD: g ← g + λθ on weights.
        yield return Row("L2Regularization + SGD", () => new SgdOptimizer(), 0.1, ByElement((p, g, w) =>
        {
            double l = w ? 0.1 : 0.0;
            double p1 = p - 0.1 * (g[0] + l * p);
            double p2 = p1 - 0.1 * (g[1] + l * p1);
            double p3 = p2 - 0.1 * (g[2] + l * p2);
            return [p1, p2, p3];
        }), () => [new L2Regularization(0.1f)]);

        // Clipping by value (c = 0.15) / by global norm (c = 0.4) in front of plain SGD: θ ← θ − η clip(g).
        Rule sgd = (p, g, w) =>
        {
            double p1 = p - 0.1 * g[0];
            double p2 = p1 - 0.1 * g[1];
            double p3 = p2 - 0.1 * g[2];
            return [p1, p2, p3];
        };
        yield return Row("ClipByValue + SGD", () => new SgdOptimizer(), 0.1, ByElement(sgd, ClippedByValue), () => [new ClipByValue(0.15f)]);
        yield return Row("ClipByGlobalNorm + SGD", () => new SgdOptimizer(), 0.1, ByElement(sgd, ClippedByGlobalNorm), () => [new ClipByGlobalNorm(0.4f)]);

        // The same in front of Adam (defaults).
        Rule adam = (p, g, w) =>
        {
            double m1 = 0.1 * g[0], v1 = 0.001 * g[0] * g[0];
            double p1 = p - 0.01 * (m1 / (1 - 0.9)) / (Math.Sqrt(v1 / (1 - 0.999)) + 1e-8);
            double m2 = 0.9 * m1 + 0.1 * g[1], v2 = 0.999 * v1 + 0.001 * g[1] * g[1];
            double p2 = p1 - 0.01 * (m2 / (1 - 0.81)) / (Math.Sqrt(v2 / (1 - 0.998001)) + 1e-8);
            double m3 = 0.9 * m2 + 0.1 * g[2], v3 = 0.999 * v2 + 0.001 * g[2] * g[2];
            double p3 = p2 - 0.01 * (m3 / (1 - 0.729)) / (Math.Sqrt(v3 / (1 - 0.997002999)) + 1e-8);
            return [p1, p2, p3];
        };
        yield return Row("ClipByValue + Adam", () => new AdamOptimizer(), 0.01, ByElement(adam, ClippedByValue), () => [new ClipByValue(0.15f)]);
        yield return Row("ClipByGlobalNorm + Adam", () => new AdamOptimizer(), 0.01, ByElement(adam, ClippedByGlobalNorm), () => [new ClipByGlobalNorm(0.4f)]);

        // The custom optimizer from the test assembly: θ ← θ − η sign(g).
        yield return Row("SignSgd (custom)", () => new SignSgdOptimizer(), 0.05, SignSgdExpected);
    }

    /// <summary>θ ← θ − 0.05 sign(g) for the table's gradients (signs +−+, −++, ++−).</summary>
    private static double[][] SignSgdExpected =>
    [
        [0.5 - 0.05, -0.3 + 0.05, 0.2 - 0.05],
        [0.5 - 0.05 + 0.05, -0.3 + 0.05 - 0.05, 0.2 - 0.05 - 0.05],
        [0.5 - 0.05 + 0.05 - 0.05, -0.3 + 0.05 - 0.05 - 0.05, 0.2 - 0.05 - 0.05 + 0.05],
    ];

    private static double[][] ExpectedOf(string name) => Named().Single(c => c.Name == name).Expected;

    private static GradientTransformationChain Chain(string name, params IGradientTransformation[] links) => new(name, links);

    private static IEnumerable<Case> Chains()
    {
        // The named optimizers' chains composed by hand from the links: the same trajectories.
        yield return Row("Chain: ScaleByAdam → ScaleByLearningRate", () => Chain("A", new ScaleByAdam(), new ScaleByLearningRate()), 0.01, ExpectedOf("Adam"));
        yield return Row("Chain: WeightDecay → ScaleByAdam → ScaleByLearningRate", () => Chain("AW", new WeightDecay(0.5f), new ScaleByAdam(), new ScaleByLearningRate()),
            0.01, ExpectedOf("AdamW"));
        yield return Row("Chain: MomentumTrace(Nesterov) → ScaleByLearningRate", () => Chain("N", new MomentumTrace(0.9f, nesterov: true), new ScaleByLearningRate()),
            0.1, ExpectedOf("Nesterov"));
        yield return Row("Chain: L2Regularization → ScaleByRms(centered) → MomentumTrace(from zero) → ScaleByLearningRate",
            () => Chain("R", new L2Regularization(0.1f), new ScaleByRms(0.9f, 1e-3f, centered: true), new MomentumTrace(0.5f, startFromFirstUpdate: false), new ScaleByLearningRate()),
            0.01, ExpectedOf("RMSProp centered momentum weightDecay"));
        yield return Row("Chain: WeightDecay → MomentumTrace → ScaleByLearningRate", () => Chain("WM", new WeightDecay(0.5f), new MomentumTrace(0.9f), new ScaleByLearningRate()),
            0.1, ExpectedOf("DecoupledWeightDecay(SGD momentum)"));

        // The same through Build, the entry point of the trainers' options.
        yield return Row("Build(SGD, l2Regularization)", () => GradientTransformationChain.Build(new SgdOptimizer(), l2Regularization: 0.1f), 0.1,
            ExpectedOf("L2Regularization + SGD"));
        yield return Row("Build(SGD, clipNorm → ClipByGlobalNorm)", () => GradientTransformationChain.Build(new SgdOptimizer(), clipNorm: 0.4f), 0.1,
            ExpectedOf("ClipByGlobalNorm + SGD"));
        yield return Row("Build(Adam, clipValue)", () => GradientTransformationChain.Build(new AdamOptimizer(), clipValue: 0.15f), 0.01,
            ExpectedOf("ClipByValue + Adam"));
        yield return Row("Build(SGD momentum, weightDecay)", () => GradientTransformationChain.Build(new SgdOptimizer(momentum: 0.9f), weightDecay: 0.5f), 0.1,
            ExpectedOf("DecoupledWeightDecay(SGD momentum)"));

        // A user link between Adam's scaling and the learning rate: Adam then runs link by link and its bias
        // correction 1/(1 − β₁ᵗ) must still reach the step size.
        yield return Row("Chain: ScaleByAdam → user Identity → ScaleByLearningRate",
            () => Chain("AI", new ScaleByAdam(), new UserLinks.Identity(), new ScaleByLearningRate()), 0.01, ExpectedOf("Adam"));
        yield return Row("Chain: ScaleByAdam(AMSGrad) → user Identity → ScaleByLearningRate",
            () => Chain("AMI", new ScaleByAdam(beta2: 0.5f, amsgrad: true), new UserLinks.Identity(), new ScaleByLearningRate()), 0.01, ExpectedOf("Adam AMSGrad"));

        // User links with built-in ones.
        yield return Row("Chain: user Sign → ScaleByLearningRate", () => Chain("S", new UserLinks.Sign(), new ScaleByLearningRate()), 0.05, SignSgdExpected);

        // u = 2g into classic momentum 0.9: b₁ = 2g₁, b_t = 0.9 b + 2g; θ ← θ − η b.
        yield return Row("Chain: user Scale(2) → MomentumTrace → ScaleByLearningRate",
            () => Chain("SM", new UserLinks.Scale(2f), new MomentumTrace(0.9f), new ScaleByLearningRate()), 0.1, ByElement((p, g, w) =>
        {
            double b1 = 2 * g[0];
            double p1 = p - 0.1 * b1;
            double b2 = 0.9 * b1 + 2 * g[1];
            double p2 = p1 - 0.1 * b2;
            double b3 = 0.9 * b2 + 2 * g[2];
            double p3 = p2 - 0.1 * b3;
            return [p1, p2, p3];
        }));

        // Decoupled decay λ = 0.5 in front of the custom optimizer: θ ← θ (1 − 0.05·0.5) on weights, then θ − η sign(g).
        yield return Row("Chain: WeightDecay → OptimizerLink(SignSgd)", () => Chain("WS", new WeightDecay(0.5f), new OptimizerLink(new SignSgdOptimizer())), 0.05,
            ByElement((p, g, w) =>
            {
                double k = w ? 1 - 0.05 * 0.5 : 1.0;
                double p1 = p * k - 0.05 * Math.Sign(g[0]);
                double p2 = p1 * k - 0.05 * Math.Sign(g[1]);
                double p3 = p2 * k - 0.05 * Math.Sign(g[2]);
                return [p1, p2, p3];
            }));

        // New compositions, by hand. Adagrad's scaling with classic momentum 0.5 (the scaling runs alone, the
        // momentum and step fused): G ← G + g²; u = g / (√G + 1e-10); b₁ = u, b_t = 0.5 b + u; θ ← θ − η b.
        yield return Row("Chain: ScaleByRootSumOfSquares → MomentumTrace → ScaleByLearningRate",
            () => Chain("RM", new ScaleByRootSumOfSquares(), new MomentumTrace(0.5f), new ScaleByLearningRate()), 0.01, ByElement((p, g, w) =>
        {
            double G1 = g[0] * g[0], u1 = g[0] / (Math.Sqrt(G1) + 1e-10), b1 = u1;
            double p1 = p - 0.01 * b1;
            double G2 = G1 + g[1] * g[1], u2 = g[1] / (Math.Sqrt(G2) + 1e-10), b2 = 0.5 * b1 + u2;
            double p2 = p1 - 0.01 * b2;
            double G3 = G2 + g[2] * g[2], u3 = g[2] / (Math.Sqrt(G3) + 1e-10), b3 = 0.5 * b2 + u3;
            double p3 = p2 - 0.01 * b3;
            return [p1, p2, p3];
        }));

        // RMSProp's scaling (ρ = 0.99, ε = 1e-8) with Nesterov momentum 0.9: u = g / (√s + ε); b₁ = u,
        // b_t = 0.9 b + u; θ ← θ − η (u + 0.9 b).
        yield return Row("Chain: ScaleByRms → MomentumTrace(Nesterov) → ScaleByLearningRate",
            () => Chain("RN", new ScaleByRms(), new MomentumTrace(0.9f, nesterov: true), new ScaleByLearningRate()), 0.01, ByElement((p, g, w) =>
        {
            double s1 = 0.01 * g[0] * g[0], u1 = g[0] / (Math.Sqrt(s1) + 1e-8), b1 = u1;
            double p1 = p - 0.01 * (u1 + 0.9 * b1);
            double s2 = 0.99 * s1 + 0.01 * g[1] * g[1], u2 = g[1] / (Math.Sqrt(s2) + 1e-8), b2 = 0.9 * b1 + u2;
            double p2 = p1 - 0.01 * (u2 + 0.9 * b2);
            double s3 = 0.99 * s2 + 0.01 * g[2] * g[2], u3 = g[2] / (Math.Sqrt(s3) + 1e-8), b3 = 0.9 * b2 + u3;
            double p3 = p2 - 0.01 * (u3 + 0.9 * b3);
            return [p1, p2, p3];
        }));
    }
}
