using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Tests.Activations;

namespace MLNet.Mlp.Tests.GradientChecking;

/// <summary>
/// Finite-difference gradient checks at widths that reach every body of the vectorized kernels: 37 = 2 × 16 + 5 and
/// 67 = 4 × 16 + 3 floats per row run the 512-bit body (16 lanes), the 256-bit body (8 lanes) and the scalar tail, where
/// the other gradient tests' widths of 3 to 5 run only the tail. Three or more rows, so row offsets that are not a
/// multiple of the vector width are covered too.
/// </summary>
public class WideGradientTests
{
    private const int Rows = 3;

    public static TheoryData<string, int> ActivationsByWidth()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in new[] { "Identity", "Sigmoid", "Tanh", "Relu", "LeakyRelu(0.1)", "Elu", "Gelu", "Silu", "Softmax" })
        {
            data.Add(name, 37);
            data.Add(name, 67);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ActivationsByWidth))]
    public void ActivationBackwardMatchesFiniteDifferenceAtSimdWidths(string name, int columns)
    {
        var activation = NamedActivations.Get(name);
        var random = new Random(columns * 7 + name.Length);
        // At least 0.1 from 0: the ReLU family's kink must not be straddled by a 1e-3 step.
        var z = FiniteDifference.Uniform(random, Rows * columns, -3f, 3f, awayFromZero: 0.1f);
        var c = FiniteDifference.Uniform(random, Rows * columns, -1f, 1f);
        var a = new float[z.Length];

        double Objective()
        {
            activation.Forward(z, a, columns);
            return FiniteDifference.Dot(c, a);
        }

        var numeric = FiniteDifference.Gradient(z, Objective);
        activation.Forward(z, a, columns);
        var analytic = new float[z.Length];
        activation.Backward(z, a, c, analytic, columns);
        FiniteDifference.AssertClose(numeric, analytic, $"{name} ({columns} wide) dL/dz");
    }

    public static TheoryData<string, int, int> DenseCases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var name in new[] { "Identity", "Relu", "Tanh", "Gelu", "Softmax" })
        {
            data.Add(name, 37, 67);
            data.Add(name, 67, 37);
        }
        return data;
    }

    private static LayerProbe DenseProbe(string activation, int inputs, int units)
    {
        // Non-zero biases; the first bias seed whose pre-activations all stay 0.02 from ReLU's kink (a 1e-3 step on
        // an input of at most 2 moves them by at most 2e-3).
        for (int seed = 1; seed < 1000; seed++)
        {
            var probe = new LayerProbe(new DenseLayer(units, NamedActivations.Get(activation)), inputs, Rows, seed: 31);
            var random = new Random(seed);
            for (int i = probe.Network.DecayedParameterCount; i < probe.Network.ParameterCount; i++)
                probe.Network.ParameterArray[i] = random.NextSingle() - 0.5f;
            probe.Objective();
            if (probe.Cache.AsSpan(0, Rows * units).ToArray().All(z => Math.Abs(z) > 0.02f)) return probe;
        }
        throw new InvalidOperationException("No bias seed keeps the pre-activations away from 0.");
    }

    [Theory]
    [MemberData(nameof(DenseCases))]
    public void DenseInputGradientMatchesFiniteDifferenceAtSimdWidths(string activation, int inputs, int units)
    {
        var probe = DenseProbe(activation, inputs, units);
        var numeric = FiniteDifference.Gradient(probe.Input, probe.Objective);
        FiniteDifference.AssertClose(numeric, probe.Backward(), $"Dense({units}, {activation}) on {inputs} dL/dX");
    }

    [Theory]
    [MemberData(nameof(DenseCases))]
    public void DenseWeightGradientMatchesFiniteDifferenceAtSimdWidths(string activation, int inputs, int units)
    {
        var probe = DenseProbe(activation, inputs, units);
        var numeric = FiniteDifference.Gradient(probe.Network.ParameterArray, 0, units * inputs, probe.Objective);
        probe.Backward();
        FiniteDifference.AssertClose(numeric, probe.Network.GradientArray.AsSpan(0, units * inputs), $"Dense({units}, {activation}) on {inputs} dL/dW");
    }

    [Theory]
    [MemberData(nameof(DenseCases))]
    public void DenseBiasGradientMatchesFiniteDifferenceAtSimdWidths(string activation, int inputs, int units)
    {
        var probe = DenseProbe(activation, inputs, units);
        int offset = probe.Network.DecayedParameterCount;
        var numeric = FiniteDifference.Gradient(probe.Network.ParameterArray, offset, units, probe.Objective);
        probe.Backward();
        FiniteDifference.AssertClose(numeric, probe.Network.GradientArray.AsSpan(offset, units), $"Dense({units}, {activation}) on {inputs} dL/db");
    }

    private static LayerProbe BatchNormProbe(int features)
    {
        const int rows = 5;
        var probe = new LayerProbe(new BatchNormLayer(), features, rows, seed: 41);
        var random = new Random(42);
        var p = probe.Network.ParameterArray;   // [γ, β]
        for (int j = 0; j < features; j++)
        {
            p[j] = 0.5f + random.NextSingle();
            p[features + j] = random.NextSingle() - 0.5f;
        }
        // Each feature its own mean and spread.
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < features; j++)
                probe.Input[r * features + j] = probe.Input[r * features + j] * (1 + j % 4) + 0.5f * (j % 7);
        return probe;
    }

    [Theory]
    [InlineData(37)]
    [InlineData(67)]
    public void BatchNormGradientsMatchFiniteDifferenceAtSimdWidths(int features)
    {
        var probe = BatchNormProbe(features);
        var numericInput = FiniteDifference.Gradient(probe.Input, probe.Objective);
        var numericScale = FiniteDifference.Gradient(probe.Network.ParameterArray, 0, features, probe.Objective);
        var numericShift = FiniteDifference.Gradient(probe.Network.ParameterArray, features, features, probe.Objective);
        var analyticInput = probe.Backward();
        FiniteDifference.AssertClose(numericInput, analyticInput, $"BatchNorm ({features} wide) dL/dX");
        FiniteDifference.AssertClose(numericScale, probe.Network.GradientArray.AsSpan(0, features), $"BatchNorm ({features} wide) dL/dγ");
        FiniteDifference.AssertClose(numericShift, probe.Network.GradientArray.AsSpan(features, features), $"BatchNorm ({features} wide) dL/dβ");
    }

    public static TheoryData<string, int> LossesByWidth()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in new[] { "MSE", "BCE", "BCE fused with sigmoid", "CCE sparse", "CCE soft", "CCE fused with softmax, sparse", "CCE fused with softmax, soft" })
        {
            data.Add(name, 37);
            data.Add(name, 67);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(LossesByWidth))]
    public void LossGradientMatchesFiniteDifferenceAtSimdWidths(string name, int columns)
    {
        var random = new Random(columns * 13 + name.Length);
        int n = Rows * columns;
        float[] weights = [0.5f, 2f, 1.25f];
        float[] sparse = [columns - 1, 0f, 17f];
        float[] soft = FiniteDifference.Uniform(random, n, 0.05f, 1f);
        for (int r = 0; r < Rows; r++)
        {
            float s = 0;
            for (int k = 0; k < columns; k++) s += soft[r * columns + k];
            for (int k = 0; k < columns; k++) soft[r * columns + k] /= s;
        }
        // The unfused cross-entropy's curvature is y/a²: inputs of at least 0.2 keep a 1e-3 step small against them.
        var cce = new CategoricalCrossEntropyLoss();
        var bce = new BinaryCrossEntropyLoss();
        (ILoss loss, IActivation? fused, float[] input, float[] targets) = name switch
        {
            "MSE" => ((ILoss)new MeanSquaredErrorLoss(), (IActivation?)null, FiniteDifference.Uniform(random, n, -2f, 2f), FiniteDifference.Uniform(random, n, -2f, 2f)),
            "BCE" => (bce, null, FiniteDifference.Uniform(random, n, 0.05f, 0.95f), FiniteDifference.Uniform(random, n, 0f, 1f)),
            "BCE fused with sigmoid" => (bce, Activation.Sigmoid, FiniteDifference.Uniform(random, n, -3f, 3f), FiniteDifference.Uniform(random, n, 0f, 1f)),
            "CCE sparse" => (cce, null, FiniteDifference.Uniform(random, n, 0.2f, 1f), sparse),
            "CCE soft" => (cce, null, FiniteDifference.Uniform(random, n, 0.2f, 1f), soft),
            "CCE fused with softmax, sparse" => (cce, Activation.Softmax, FiniteDifference.Uniform(random, n, -3f, 3f), sparse),
            "CCE fused with softmax, soft" => (cce, Activation.Softmax, FiniteDifference.Uniform(random, n, -3f, 3f), soft),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        double Evaluate(float[] gradient)
        {
            if (fused is null) return loss.Compute(input, targets, weights, gradient, columns, 1f);
            var outputs = new float[input.Length];
            fused.Forward(input, outputs, columns);
            Assert.True(loss.TryComputeFused(fused, input, outputs, targets, weights, gradient, columns, 1f, out double value));
            return value;
        }

        var scratch = new float[n];
        var numeric = FiniteDifference.Gradient(input, () => Evaluate(scratch));
        var analytic = new float[n];
        Evaluate(analytic);
        FiniteDifference.AssertClose(numeric, analytic, $"{name} ({columns} wide)");
    }
}
