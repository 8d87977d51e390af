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
        var expected = new float[data.Rows * 3];
        net.Predict(data.Features, expected, data.Rows);

        const int threads = 8, repeats = 10;
        using var start = new Barrier(threads);
        var failures = new int[threads];
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            // Each thread predicts a different prefix so that chunk boundaries and workspaces interleave.
            int rows = data.Rows - 37 * t;
            var outputs = new float[rows * 3];
            start.SignalAndWait();
            for (int k = 0; k < repeats; k++)
            {
                outputs.AsSpan().Clear();
                net.Predict(data.Features, outputs, rows);
                if (!BitIdentical(outputs, expected.AsSpan(0, rows * 3))) failures[t]++;
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        Assert.All(failures, f => Assert.Equal(0, f));
    }
}
