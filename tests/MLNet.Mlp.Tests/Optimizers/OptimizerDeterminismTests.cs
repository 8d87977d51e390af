using MLNet.Mlp.Optimizers;

namespace MLNet.Mlp.Tests.Optimizers;

/// <summary>Bit-level determinism: cloned states, vector body versus tail, and the global norm.</summary>
public class OptimizerDeterminismTests
{
    private const int Length = 45;   // several hardware vectors (4, 8 or 16 lanes) plus a tail
    private const int Decayed = 21;  // the prefix boundary falls inside a vector

    private static double[][] LongGradients(int steps, int seed)
    {
        var result = new double[steps][];
        uint x = (uint)seed * 2654435761u + 1;
        for (int t = 0; t < steps; t++)
        {
            result[t] = new double[Length];
            for (int i = 0; i < Length; i++)
            {
                x = x * 1664525u + 1013904223u;
                result[t][i] = (float)(((x >> 8) / (double)(1 << 24) - 0.5) * 0.8);
            }
        }

        return result;
    }

    private static float[] LongParameters() => LongGradients(1, 99)[0].Select(v => (float)(v + 0.5 * Math.Sign(v))).ToArray();

    private static int[] Bits(ReadOnlySpan<float> values) => values.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    [Theory]
    [MemberData(nameof(OptimizerCases.Names), MemberType = typeof(OptimizerCases))]
    public void SameUpdateFromClonedStates_IsBitIdentical(string name)
    {
        OptimizerCases.Case row = OptimizerCases.All[name];
        IOptimizer optimizer = row.Create();
        IGradientTransform[] transforms = row.Transforms();
        float[] parameters = LongParameters();
        double[][] gradients = LongGradients(4, 7);
        OptimizerState state = optimizer.CreateState(Length);
        for (int t = 0; t < 3; t++)
        {
            var step = new OptimizerStep((float)row.LearningRate, t + 1, Decayed);
            float[] g = gradients[t].Select(v => (float)v).ToArray();
            foreach (IGradientTransform transform in transforms) transform.Apply(g, parameters, step);
            optimizer.Update(parameters, g, state, step);
        }

        OptimizerState stateA = state.Clone(), stateB = optimizer.CreateState(Length);
        stateB.CopyFrom(state);
        float[] a = (float[])parameters.Clone(), b = (float[])parameters.Clone();
        var last = new OptimizerStep((float)row.LearningRate, 4, Decayed);
        float[] ga = gradients[3].Select(v => (float)v).ToArray(), gb = (float[])ga.Clone();
        foreach (IGradientTransform transform in transforms) { transform.Apply(ga, a, last); transform.Apply(gb, b, last); }
        optimizer.Update(a, ga, stateA, last);
        optimizer.Update(b, gb, stateB, last);
        Assert.Equal(Bits(a), Bits(b));
        for (int k = 0; k < stateA.BufferCount; k++) Assert.Equal(Bits(stateA.Buffer(k)), Bits(stateB.Buffer(k)));
    }

    public static TheoryData<string> ElementwiseNames => new(OptimizerCases.All.Keys.Where(n => !n.Contains("GlobalNorm", StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(ElementwiseNames))]
    public void EachElement_UpdatesAsIfAlone(string name)
    {
        // The vectorized body and the tail must share one arithmetic: running a long buffer gives, element by
        // element, the very bits of running each element alone (through the tail path).
        OptimizerCases.Case row = OptimizerCases.All[name];
        float[] parameters = LongParameters();
        double[][] gradients = LongGradients(3, 3);
        float[][] together = OptimizerTableTests.Run(row, (float[])parameters.Clone(), gradients, Decayed);
        for (int i = 0; i < Length; i++)
        {
            double[][] single = gradients.Select(g => new[] { g[i] }).ToArray();
            float[][] alone = OptimizerTableTests.Run(row, [parameters[i]], single, i < Decayed ? 1 : 0);
            for (int t = 0; t < 3; t++)
                Assert.True(BitConverter.SingleToInt32Bits(together[t][i]) == BitConverter.SingleToInt32Bits(alone[t][0]),
                    $"{name}: element {i}, step {t + 1}: {together[t][i]:R} in the buffer, {alone[t][0]:R} alone");
        }
    }

    [Fact]
    public void DecoupledWeightDecayAroundAdam_EqualsAdamW_Bitwise()
    {
        float[] p1 = LongParameters(), p2 = LongParameters();
        IOptimizer adamW = new AdamWOptimizer(weightDecay: 0.3f), wrapped = new DecoupledWeightDecay(new AdamOptimizer(), 0.3f);
        OptimizerState s1 = adamW.CreateState(Length), s2 = wrapped.CreateState(Length);
        double[][] gradients = LongGradients(3, 5);
        for (int t = 0; t < 3; t++)
        {
            float[] g = gradients[t].Select(v => (float)v).ToArray();
            var step = new OptimizerStep(0.01f, t + 1, Decayed);
            adamW.Update(p1, g, s1, step);
            wrapped.Update(p2, g, s2, step);
        }

        Assert.Equal(Bits(p1), Bits(p2));
    }

    [Fact]
    public void GlobalNorm_FollowsTheDocumentedSummationOrder()
    {
        float[] values = Enumerable.Range(0, 1003).Select(i => (float)Math.Sin(i * 0.37) * (1 + i % 13)).ToArray();
        var partial = new double[8];
        for (int i = 0; i < values.Length; i++) partial[i % 8] += (double)values[i] * values[i];
        double sum = 0;
        for (int k = 0; k < 8; k++) sum += partial[k];
        Assert.Equal(BitConverter.DoubleToInt64Bits(Math.Sqrt(sum)), BitConverter.DoubleToInt64Bits(ClipByGlobalNorm.GlobalNorm(values)));
        Assert.Equal(Math.Sqrt(values.Sum(v => (double)v * v)), ClipByGlobalNorm.GlobalNorm(values), 1e-9);
    }

    [Fact]
    public void ClipByGlobalNorm_ScalesToTheMaxNorm_AndLeavesNonFiniteGradientsAlone()
    {
        float[] g = Enumerable.Range(0, Length).Select(i => (float)(i - 20)).ToArray();
        new ClipByGlobalNorm(1f).Apply(g, new float[Length], new OptimizerStep(0.1f, 1, Decayed));
        Assert.Equal(1.0, ClipByGlobalNorm.GlobalNorm(g), 1e-6);
        float[] bad = [1f, float.NaN, 100f];
        new ClipByGlobalNorm(1f).Apply(bad, new float[3], new OptimizerStep(0.1f, 1, 2));
        Assert.Equal(100f, bad[2]);
    }

    [Fact]
    public void ClipByValue_KeepsNaN_InTheVectorBodyAndTheTail()
    {
        float[] g = Enumerable.Range(0, Length).Select(i => (float)(i - 20)).ToArray();
        g[1] = float.NaN;
        g[Length - 1] = float.NaN;
        new ClipByValue(2f).Apply(g, new float[Length], new OptimizerStep(0.1f, 1, Decayed));
        Assert.True(float.IsNaN(g[1]) && float.IsNaN(g[Length - 1]));
        Assert.Equal(-2f, g[0]);
        Assert.Equal(2f, g[Length - 2]);
        Assert.Equal(0f, g[20]);
    }
    [Theory]
    [MemberData(nameof(OptimizerCases.Names), MemberType = typeof(OptimizerCases))]
    public void Update_DoesNotAllocate(string name)
    {
        OptimizerCases.Case row = OptimizerCases.All[name];
        IOptimizer optimizer = row.Create();
        IGradientTransform[] transforms = row.Transforms();
        float[] parameters = LongParameters();
        float[] g = LongGradients(1, 11)[0].Select(v => (float)v).ToArray();
        OptimizerState state = optimizer.CreateState(Length);
        void Step(long t)
        {
            var step = new OptimizerStep(1e-3f, t, Decayed);
            foreach (IGradientTransform transform in transforms) transform.Apply(g, parameters, step);
            optimizer.Update(parameters, g, state, step);
        }

        Step(1);
        GC.Collect();   // no leftover allocation context can move the count inside the window
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (long t = 2; t < 12; t++) Step(t);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
