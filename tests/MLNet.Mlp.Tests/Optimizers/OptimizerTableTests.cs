using MLNet.Mlp.Optimizers;

namespace MLNet.Mlp.Tests.Optimizers;

/// <summary>The table-driven test: every optimizer configuration against its hand-computed trajectory.</summary>
public class OptimizerTableTests
{
    /// <summary>Runs the row's transforms and optimizer for three steps and returns θ after each.</summary>
    internal static float[][] Run(OptimizerCases.Case row, float[]? parameters = null, double[][]? gradients = null, int decayedCount = OptimizerCases.DecayedCount)
    {
        IOptimizer optimizer = row.Create();
        IGradientTransform[] transforms = row.Transforms();
        parameters ??= OptimizerCases.InitialParameters.Select(v => (float)v).ToArray();
        gradients ??= OptimizerCases.Gradients;
        OptimizerState state = optimizer.CreateState(parameters.Length);
        var trajectory = new float[gradients.Length][];
        for (int t = 0; t < gradients.Length; t++)
        {
            var step = new OptimizerStep((float)row.LearningRate, t + 1, decayedCount);
            float[] g = gradients[t].Select(v => (float)v).ToArray();
            foreach (IGradientTransform transform in transforms) transform.Apply(g, parameters, step);
            optimizer.Update(parameters, g, state, step);
            trajectory[t] = (float[])parameters.Clone();
        }

        return trajectory;
    }

    [Theory]
    [MemberData(nameof(OptimizerCases.Names), MemberType = typeof(OptimizerCases))]
    public void Update_MatchesHandComputedTrajectory(string name)
    {
        OptimizerCases.Case row = OptimizerCases.All[name];
        float[][] actual = Run(row);
        for (int t = 0; t < 3; t++)
        {
            for (int i = 0; i < 3; i++)
            {
                double expected = row.Expected[t][i];
                double error = Math.Abs(actual[t][i] - expected);
                Assert.True(error <= 1e-6 * Math.Abs(expected),
                    $"{name}: step {t + 1}, θ[{i}] = {actual[t][i]:R}, expected {expected:R} (relative error {error / Math.Abs(expected):E2})");
            }
        }
    }

    [Theory]
    [MemberData(nameof(OptimizerCases.Names), MemberType = typeof(OptimizerCases))]
    public void Update_ActuallyMovesEveryParameter(string name)
    {
        // Guards the table itself: every row must change every parameter at every step (so no row is vacuous).
        OptimizerCases.Case row = OptimizerCases.All[name];
        double[] previous = OptimizerCases.InitialParameters;
        foreach (double[] expected in row.Expected)
        {
            for (int i = 0; i < 3; i++) Assert.NotEqual(previous[i], expected[i], 1e-4);
            previous = expected;
        }
    }
}
