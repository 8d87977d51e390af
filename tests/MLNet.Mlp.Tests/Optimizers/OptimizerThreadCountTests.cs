using MLNet.Mlp.Optimizers;

namespace MLNet.Mlp.Tests.Optimizers;

/// <summary>An update split over cores gives exactly the bits of the one-thread update.</summary>
public class OptimizerThreadCountTests
{
    private const int Length = 100_003;   // above the parallel threshold, with a tail that is not a whole vector
    private const int Decayed = 70_001;   // the weight-decay prefix ends inside a chunk

    // Every optimizer and variant of the hand-computed table: each runs its update through the shared chunked path.
    public static TheoryData<string> Optimizers => OptimizerCases.Names;

    private static IOptimizer Create(string name) => OptimizerCases.All[name].Create();

    // 2, 3 and 5 chunks move the chunk boundaries (ParallelChunks cuts as many chunks as threads allowed, even on
    // fewer cores).
    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Update_OnSeveralThreads_IsBitIdenticalToOneThread(string name)
    {
        var random = new Random(5);
        float[] start = Enumerable.Range(0, Length).Select(_ => random.NextSingle() - 0.5f).ToArray();
        float[][] gradients = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, Length).Select(_ => random.NextSingle() - 0.5f).ToArray()).ToArray();
        (float[] Parameters, OptimizerState State) Run(int threads)
        {
            IOptimizer optimizer = Create(name);
            float[] parameters = (float[])start.Clone();
            OptimizerState state = optimizer.CreateState(Length);
            for (int t = 0; t < gradients.Length; t++)
                optimizer.Update(parameters, gradients[t], state, new OptimizerStep(1e-3f, t + 1, Decayed) { MaxThreads = threads });
            return (parameters, state);
        }

        var one = Run(1);
        foreach (int threads in new[] { 2, 3, 5 })
        {
            var many = Run(threads);
            Assert.Equal(Bits(one.Parameters), Bits(many.Parameters));
            for (int k = 0; k < one.State.BufferCount; k++) Assert.Equal(Bits(one.State.Buffer(k)), Bits(many.State.Buffer(k)));
        }
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Update_OnTwoThreads_DoesNotAllocateAfterTheFirstStep(string name)
    {
        IOptimizer optimizer = Create(name);
        float[] parameters = Enumerable.Range(0, Length).Select(i => MathF.Sin(i) * 0.1f).ToArray();
        float[] gradient = Enumerable.Range(0, Length).Select(i => MathF.Cos(i) * 0.1f).ToArray();
        OptimizerState state = optimizer.CreateState(Length);
        optimizer.Update(parameters, gradient, state, new OptimizerStep(1e-3f, 1, Decayed) { MaxThreads = 2 });
        // A helper that wakes very late on a loaded host can hold pooled tasks and make the pool grow once; steady
        // state is what is asserted, so three tries of ten steps each.
        long allocated = -1;
        for (int attempt = 0; attempt < 3 && allocated != 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int t = 2; t < 12; t++)
                optimizer.Update(parameters, gradient, state, new OptimizerStep(1e-3f, t, Decayed) { MaxThreads = 2 });
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Assert.Equal(0, allocated);
    }

    private static int[] Bits(ReadOnlySpan<float> values) => values.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();
}
