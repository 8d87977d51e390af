using MLNet.Mlp.Losses;
using MLNet.Mlp.Training;
using static MLNet.Mlp.Tests.Training.TrainingFixtures;

namespace MLNet.Mlp.Tests.Networks;

public class ConcurrentPredictionTests
{
    [Fact]
    public void PredictFromEightThreadsAtOnceMatchesOneThreadBitForBit()
    {
        var net = ClassificationNetwork(9);
        var data = Classification(600, 5);   // more than one 256-row prediction chunk
        NetworkTrainer.Fit(net, data, null, new TrainingOptions { Loss = new CategoricalCrossEntropyLoss(), Epochs = 2, MaxThreads = 1 });
        const int threads = 8, repeats = 10;
        // Each thread predicts a different prefix so that chunk boundaries and workspaces interleave. A row's output
        // may depend on the size of the chunk it is multiplied in (the kernel picks its path from the shape), so each
        // prefix is compared with the same call made alone.
        int Rows(int t) => data.Rows - 37 * t;
        var expected = Enumerable.Range(0, threads).Select(t =>
        {
            var alone = new float[Rows(t) * 3];
            net.Predict(data.Features, alone, Rows(t));
            return alone;
        }).ToArray();

        using var start = new Barrier(threads);
        var failures = new int[threads];
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            int rows = Rows(t);
            var outputs = new float[rows * 3];
            start.SignalAndWait();
            for (int k = 0; k < repeats; k++)
            {
                outputs.AsSpan().Clear();
                net.Predict(data.Features, outputs, rows);
                if (!BitIdentical(outputs, expected[t])) failures[t]++;
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        Assert.All(failures, f => Assert.Equal(0, f));
    }
}
