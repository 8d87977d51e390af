using MLNet.Mlp.Optimizers;

namespace MLNet.Mlp.Tests.Optimizers;

/// <summary>An update split over cores gives exactly the bits of the one-thread update.</summary>
public class OptimizerThreadCountTests
{
    private const int Length = 100_003;   // above the parallel threshold, with a tail that is not a whole vector
    private const int Decayed = 70_001;   // the weight-decay prefix ends inside a chunk

    public static TheoryData<string> Optimizers => new() { "Adam", "AdamWeightDecay", "AdamW", "Sgd", "SgdWeightDecay" };

    private static IOptimizer Create(string name) => name switch
    {
        "Adam" => new AdamOptimizer(),
        "AdamWeightDecay" => new AdamOptimizer(weightDecay: 0.01f),
        "Sgd" => new SgdOptimizer(),
        "SgdWeightDecay" => new SgdOptimizer(weightDecay: 0.01f),
        _ => new AdamWOptimizer(),
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Update_OnTwoThreads_IsBitIdenticalToOneThread(string name)
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
        var two = Run(2);
        Assert.Equal(Bits(one.Parameters), Bits(two.Parameters));
        for (int k = 0; k < one.State.BufferCount; k++) Assert.Equal(Bits(one.State.Buffer(k)), Bits(two.State.Buffer(k)));
    }

    private static int[] Bits(ReadOnlySpan<float> values) => values.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();
}
