using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// Through the ML.NET trainer, whose step thread tuner switches between one core and all allowed cores by timing
/// (within an epoch too): a network large enough that its products are split (see
/// <see cref="Training.ParallelDeterminismTests"/>) trains to the same bits with <c>NumberOfThreads = 1</c>, 2, 3 and the
/// default (every core).
/// </summary>
public class ThreadCountDeterminismTests
{
    private const int Width = 128, Rows = 2048, Batch = 128;

    private sealed class WideRow
    {
        [VectorType(Width)] public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    private static WideRow[] Data()
    {
        var random = new Random(29);
        return Enumerable.Range(0, Rows).Select(_ =>
        {
            var x = new float[Width];
            for (int j = 0; j < Width; j++) x[j] = 2 * random.NextSingle() - 1;
            return new WideRow { Features = x, Label = x[0] + x[1] - x[2] > 0 };
        }).ToArray();
    }

    private static MlpModelParameters Train(IDataView data, int? threads) => new MLContext(seed: 1).BinaryClassification.Trainers.Mlp(new MlpBinaryOptions
    {
        HiddenLayers = [192, 64],
        NumberOfEpochs = 2,
        LearningRate = 0.01f,
        BatchSize = Batch,
        BatchNormalization = true,
        DropoutRate = 0.1f,
        Seed = 4,
        NumberOfThreads = threads,
    }).Fit(data).Model;

    [Fact]
    public void TheTrainerGivesBitIdenticalWeightsWithOneTwoThreeAndTheDefaultNumberOfThreads()
    {
        Assert.True((long)Batch * 192 * Width >= DenseLayer.SharedMinMacs);
        // 16 steps per epoch: the tuner's probe alternates blocks of all cores and one core within each epoch.
        var data = new MLContext(seed: 1).Data.LoadFromEnumerable(Data());
        var one = Train(data, 1);
        Assert.True(one.History[^1].TrainingLoss < one.History[0].TrainingLoss);
        foreach (int? threads in new int?[] { null, 2, 3 })
            ModelWeights.AssertIdentical(one, Train(data, threads));
    }
}
