using MLNet.Mlp.Activations;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Tests.GradientChecking;

namespace MLNet.Mlp.Tests.Losses;

public class LossGradientTests
{
    private const int Rows = 4, Columns = 3;
    private static readonly float[] ExampleWeights = [0.5f, 2f, 0f, 1.25f];

    /// <summary>A loss, the path it is evaluated through, and the input the gradient is taken with respect to.</summary>
    private sealed record LossCase(ILoss Loss, IActivation? FusedWith, float[] Input, float[] Targets)
    {
        /// <summary>Σ wᵢℓᵢ, writing gradientScale·∂(Σ wᵢℓᵢ)/∂input to <paramref name="gradient"/>.</summary>
        public double Evaluate(float[] weights, float[] gradient, float gradientScale)
        {
            if (FusedWith is null) return Loss.Compute(Input, Targets, weights, gradient, Columns, gradientScale);
            var outputs = new float[Input.Length];
            FusedWith.Forward(Input, outputs, Columns);
            Assert.True(Loss.TryComputeFused(FusedWith, Input, outputs, Targets, weights, gradient, Columns, gradientScale, out double loss),
                $"{Loss.Name} does not fuse with {FusedWith.Name}");
            return loss;
        }
    }

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in CaseNames)
        {
            data.Add(name, false);
            data.Add(name, true);
        }
        return data;
    }

    private static readonly string[] CaseNames =
    [
        "MSE", "BCE", "BCE fused with sigmoid",
        "CCE sparse", "CCE one-hot", "CCE soft",
        "CCE fused with softmax, sparse", "CCE fused with softmax, one-hot", "CCE fused with softmax, soft",
        "CCE unnormalized", "CCE fused with softmax, unnormalized",
    ];

    private static LossCase Create(string name)
    {
        var random = new Random(name.Length * 31 + name[^1]);
        int n = Rows * Columns;
        float[] logits = FiniteDifference.Uniform(random, n, -3f, 3f);
        float[] sparse = [2f, 0f, 1f, 2f];
        float[] oneHot = new float[n];
        for (int r = 0; r < Rows; r++) oneHot[r * Columns + (int)sparse[r]] = 1f;
        float[] soft = FiniteDifference.Uniform(random, n, 0.05f, 1f);
        for (int r = 0; r < Rows; r++)
        {
            float s = soft[r * Columns] + soft[r * Columns + 1] + soft[r * Columns + 2];
            for (int k = 0; k < Columns; k++) soft[r * Columns + k] /= s;
        }
        // The unfused cross-entropy has curvature y/a²: probabilities from logits in [−1, 1] stay above ~0.05 so
        // that a 1e-3 step is small against them.
        float[] probabilities = new float[n];
        Activation.Softmax.Forward(FiniteDifference.Uniform(random, n, -1f, 1f), probabilities, Columns);
        var cce = new CategoricalCrossEntropyLoss();
        var bce = new BinaryCrossEntropyLoss();
        return name switch
        {
            "MSE" => new(new MeanSquaredErrorLoss(), null, FiniteDifference.Uniform(random, n, -2f, 2f), FiniteDifference.Uniform(random, n, -2f, 2f)),
            "BCE" => new(bce, null, FiniteDifference.Uniform(random, n, 0.05f, 0.95f), FiniteDifference.Uniform(random, n, 0f, 1f)),
            "BCE fused with sigmoid" => new(bce, Activation.Sigmoid, logits, FiniteDifference.Uniform(random, n, 0f, 1f)),
            "CCE sparse" => new(cce, null, probabilities, sparse),
            "CCE one-hot" => new(cce, null, probabilities, oneHot),
            "CCE soft" => new(cce, null, probabilities, soft),
            "CCE fused with softmax, sparse" => new(cce, Activation.Softmax, logits, sparse),
            "CCE fused with softmax, one-hot" => new(cce, Activation.Softmax, logits, oneHot),
            "CCE fused with softmax, soft" => new(cce, Activation.Softmax, logits, soft),
            // Rows that do not sum to 1: the fused gradient is (Σ_k y_k)·a − y, not a − y.
            "CCE unnormalized" => new(cce, null, probabilities, FiniteDifference.Uniform(random, n, 0f, 1.5f)),
            "CCE fused with softmax, unnormalized" => new(cce, Activation.Softmax, logits, FiniteDifference.Uniform(random, n, 0f, 1.5f)),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GradientMatchesFiniteDifferenceOfWeightedLossSum(string name, bool weighted)
    {
        var c = Create(name);
        var weights = weighted ? ExampleWeights : [];
        var scratch = new float[c.Input.Length];
        var numeric = FiniteDifference.Gradient(c.Input, () => c.Evaluate(weights, scratch, 1f));
        var analytic = new float[c.Input.Length];
        c.Evaluate(weights, analytic, 1f);
        FiniteDifference.AssertClose(numeric, analytic, $"{name}{(weighted ? " weighted" : "")}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GradientScaleMultipliesTheGradientButNotTheReturnedLoss(string name, bool weighted)
    {
        var c = Create(name);
        var weights = weighted ? ExampleWeights : [];
        var unscaled = new float[c.Input.Length];
        var scaled = new float[c.Input.Length];
        double loss1 = c.Evaluate(weights, unscaled, 1f);
        double lossQuarter = c.Evaluate(weights, scaled, 0.25f);
        Assert.Equal(loss1, lossQuarter);
        for (int i = 0; i < scaled.Length; i++)
            Assert.Equal(0.25 * unscaled[i], scaled[i], 1e-6 * Math.Abs(unscaled[i]) + 1e-9);
    }

    public static TheoryData<string> Names() => new(CaseNames);

    [Theory]
    [MemberData(nameof(Names))]
    public void WeightedLossIsTheWeightedSumOfPerRowLosses(string name)
    {
        var c = Create(name);
        var scratch = new float[c.Input.Length];
        double expected = 0;
        for (int r = 0; r < Rows; r++)
        {
            var oneRow = new float[Rows];
            oneRow[r] = 1f;
            expected += ExampleWeights[r] * c.Evaluate(oneRow, scratch, 1f);
        }
        // The engine forms w·y in float before widening, hence 1e-6 and not double precision.
        Assert.Equal(expected, c.Evaluate(ExampleWeights, scratch, 1f), 1e-6 * Math.Abs(expected));
        // The zero-weight row gets no gradient at all.
        c.Evaluate(ExampleWeights, scratch, 1f);
        for (int k = 0; k < Columns; k++) Assert.Equal(0f, scratch[2 * Columns + k]);
    }

    [Theory]
    [InlineData("sigmoid")]
    [InlineData("softmax sparse")]
    [InlineData("softmax soft")]
    public void FusedLossEqualsUnfusedLossOnTheActivatedOutputs(string which)
    {
        var random = new Random(3);
        var logits = FiniteDifference.Uniform(random, Rows * Columns, -3f, 3f);
        var outputs = new float[logits.Length];
        var g = new float[logits.Length];
        ILoss loss;
        IActivation activation;
        float[] targets;
        if (which == "sigmoid")
        {
            (loss, activation) = (new BinaryCrossEntropyLoss(), Activation.Sigmoid);
            targets = FiniteDifference.Uniform(random, logits.Length, 0f, 1f);
        }
        else
        {
            (loss, activation) = (new CategoricalCrossEntropyLoss(), Activation.Softmax);
            targets = which.EndsWith("sparse", StringComparison.Ordinal) ? [0f, 1f, 2f, 1f] : Create("CCE soft").Targets;
        }
        activation.Forward(logits, outputs, Columns);
        Assert.True(loss.TryComputeFused(activation, logits, outputs, targets, ExampleWeights, g, Columns, 1f, out double fused));
        double unfused = loss.Compute(outputs, targets, ExampleWeights, g, Columns, 1f);
        Assert.Equal(unfused, fused, 1e-5 * Math.Abs(unfused));
    }

    [Fact]
    public void FusedCrossEntropyGradientIsOutputMinusOneHotTarget()
    {
        // The fused simplification: ∂L/∂Z = A − Y (per example, before the 1/m of the mean).
        var logits = new float[] { 0.5f, -1f, 2f, 0.1f, 0.2f, 0.3f };
        var a = new float[6];
        Activation.Softmax.Forward(logits, a, 3);
        var g = new float[6];
        Assert.True(new CategoricalCrossEntropyLoss().TryComputeFused(Activation.Softmax, logits, a, [2f, 0f], [], g, 3, 1f, out _));
        float[] expected = [a[0], a[1], a[2] - 1f, a[3] - 1f, a[4], a[5]];
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i], g[i], 6);
    }

    [Fact]
    public void MeanSquaredErrorUsesTheHalfConvention()
    {
        var g = new float[2];
        double loss = new MeanSquaredErrorLoss().Compute([3f, 1f], [1f, 1f], [], g, 1, 0.5f);
        Assert.Equal(2.0, loss);            // ½·(2² + 0²)
        Assert.Equal([1f, 0f], g);          // (a − y)/m with m = 2
    }
}
