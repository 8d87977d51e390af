using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Trainers;
using static MLNet.Mlp.Tests.Robustness.RobustnessData;

namespace MLNet.Mlp.Tests.Robustness;

/// <summary>
/// A trained transformer is immutable and thread-safe: 8 threads at once, each with its own Transform and its own
/// PredictionEngine, get bit-identical answers to a single thread. (Transform alone, sharing one scored view:
/// TransformerContractTests.TransformFromEightThreadsAtOnceGivesIdenticalResults.)
/// </summary>
public class ConcurrentScoringTests
{
    private sealed class Input
    {
        [VectorType(32)] public float[] Features { get; set; } = [];
    }

    private sealed class Output
    {
        public float[] Score { get; set; } = [];
        public uint PredictedLabel { get; set; }
    }

    [Fact]
    public void EightThreadsWithTheirOwnTransformAndPredictionEngineMatchASingleThreadBitForBit()
    {
        var ml = new MLContext(seed: 1);
        var rows = Wide(400, seed: 1);
        var data = KeyedWithThreeClasses(ml, ml.Data.LoadFromEnumerable(rows));
        var model = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions
        {
            HiddenLayers = [16, 8], NumberOfEpochs = 2, BatchNormalization = true, DropoutRate = 0.2f,
        }).Fit(data);
        var expectedScores = model.Transform(data).GetColumn<float[]>("Score").ToArray();
        var expectedLabels = model.Transform(data).GetColumn<uint>("PredictedLabel").ToArray();

        const int threadCount = 8;
        var transformed = new float[threadCount][][];
        var predicted = new (float[] Score, uint Label)[threadCount][];
        var errors = new List<Exception>();
        using var start = new Barrier(threadCount);
        var threads = Enumerable.Range(0, threadCount).Select(t => new Thread(() =>
        {
            try
            {
                using var engine = ml.Model.CreatePredictionEngine<Input, Output>(model);
                start.SignalAndWait();
                transformed[t] = model.Transform(data).GetColumn<float[]>("Score").ToArray();
                predicted[t] = rows.Select(r => engine.Predict(new Input { Features = r.Features }))
                    .Select(p => ((float[])p.Score.Clone(), p.PredictedLabel)).ToArray();
            }
            catch (Exception e)
            {
                lock (errors) errors.Add(e);
            }
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();

        Assert.Empty(errors);
        for (int t = 0; t < threadCount; t++)
        {
            Assert.Equal(expectedScores, transformed[t]);
            Assert.Equal(expectedScores, predicted[t].Select(p => p.Score));
            Assert.Equal(expectedLabels, predicted[t].Select(p => p.Label));
        }
    }
}
