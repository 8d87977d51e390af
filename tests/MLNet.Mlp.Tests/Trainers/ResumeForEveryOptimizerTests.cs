using Microsoft.ML;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Tests.Optimizers;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// For every configuration of the optimizer table (<see cref="OptimizerCases"/>: every state shape, from SGD's none to
/// AMSGrad's three buffers and the user chains): N epochs straight equal N/2 epochs, a checkpoint file
/// (<see cref="MlpModelParameters.Save(string)"/> → <see cref="MlpModelParameters.Load(string, Func{string, float, Activations.IActivation?}?)"/>)
/// and N/2 more through <c>trainer.Fit(data, loaded)</c>, bit for bit: the weights, the step counter and every
/// optimizer buffer. A checkpoint that dropped or mixed up a buffer, or a training loop that started the loaded state
/// afresh, fails here.
/// </summary>
public class ResumeForEveryOptimizerTests
{
    private const int HalfEpochs = 2;

    private static readonly Lazy<IDataView> s_data = new(() => new MLContext(seed: 1).Data.LoadFromEnumerable(SyntheticData.NoisyLinear(60, seed: 41)));

    private static MlpBinaryOptions Options(OptimizerCases.Case row, int epochs) => new()
    {
        HiddenLayers = [6],
        NumberOfEpochs = epochs,
        // The table's rates are for three hand-computed steps; a tenth of them keeps every optimizer finite here.
        LearningRate = (float)(row.LearningRate / 10),
        BatchSize = 16,
        Optimizer = row.Create(),
        Seed = 5,
        NumberOfThreads = 1,
    };

    /// <summary>Every row of the optimizer table.</summary>
    public static TheoryData<string> Rows => OptimizerCases.Names;

    [Theory]
    [MemberData(nameof(Rows))]
    public void ResumingFromACheckpointFileEqualsUninterruptedTrainingBitForBit(string name)
    {
        var row = OptimizerCases.All[name];
        var ml = new MLContext(seed: 1);
        var data = s_data.Value;
        var uninterrupted = ml.BinaryClassification.Trainers.Mlp(Options(row, 2 * HalfEpochs)).Fit(data).Model;

        var first = ml.BinaryClassification.Trainers.Mlp(Options(row, HalfEpochs)).Fit(data).Model;
        using var checkpoint = new TempFile(".mlpckpt");
        first.Save(checkpoint.Path);
        var loaded = MlpModelParameters.Load(checkpoint.Path);
        var resumed = ml.BinaryClassification.Trainers.Mlp(Options(row, HalfEpochs)).Fit(data, loaded).Model;

        ModelWeights.AssertIdentical(uninterrupted, resumed);
        var expected = uninterrupted.TrainingState!;
        var actual = resumed.TrainingState!;
        Assert.Equal(expected.Step, actual.Step);
        Assert.Equal(2 * HalfEpochs, actual.EpochsCompleted);
        Assert.Equal(expected.OptimizerName, actual.OptimizerName);
        AssertSameBuffers(expected.OptimizerState!, actual.OptimizerState!);
        Assert.Equal(expected.History.Select(h => h.TrainingLoss), actual.History.Select(h => h.TrainingLoss));
    }

    [Fact]
    public void TheTableCoversEveryOptimizerStateShape()
    {
        // The theory above is only as strong as the shapes it sees: none (SGD), one (momentum, RMSProp, Adagrad), two
        // (Adam, centered RMSProp), three (AMSGrad and centered RMSProp with momentum).
        var counts = OptimizerCases.All.Values.Select(c => c.Create().CreateState(4).BufferCount).Distinct().Order().ToArray();
        Assert.Equal([0, 1, 2, 3], counts);
    }

    [Fact]
    public void ACheckpointKeepsEveryBufferOfAnAmsGradState()
    {
        // The checkpoint on its own: the loaded state holds AMSGrad's three buffers, the running maximum included.
        var row = OptimizerCases.All["Adam AMSGrad"];
        var model = new MLContext(seed: 1).BinaryClassification.Trainers.Mlp(Options(row, HalfEpochs)).Fit(s_data.Value).Model;
        using var checkpoint = new TempFile(".mlpckpt");
        model.Save(checkpoint.Path);
        var loaded = MlpModelParameters.Load(checkpoint.Path);

        var saved = model.TrainingState!.OptimizerState!;
        Assert.Equal(3, saved.BufferCount);
        Assert.Contains(saved.Buffer(2).ToArray(), v => v > 0f);
        AssertSameBuffers(saved, loaded.TrainingState!.OptimizerState!);
    }

    [Fact]
    public void ContinuingAnAdamCheckpointAsAmsGradIsRefusedWhileAnotherOptimizerStartsAfresh()
    {
        // AMSGrad shares Adam's name but needs a third buffer: the checkpoint's state cannot be continued, and
        // starting it afresh would silently give a run that no uninterrupted run matches.
        var ml = new MLContext(seed: 1);
        var adam = OptimizerCases.All["Adam"];
        var first = ml.BinaryClassification.Trainers.Mlp(Options(adam, HalfEpochs)).Fit(s_data.Value).Model;
        using var checkpoint = new TempFile(".mlpckpt");
        first.Save(checkpoint.Path);

        var e = Assert.Throws<InvalidOperationException>(() => ml.BinaryClassification.Trainers.Mlp(Options(OptimizerCases.All["Adam AMSGrad"], HalfEpochs))
            .Fit(s_data.Value, MlpModelParameters.Load(checkpoint.Path)));
        Assert.Contains("Adam expects 3 buffer(s)", e.Message, StringComparison.Ordinal);
        Assert.Contains("found 2 buffer(s)", e.Message, StringComparison.Ordinal);

        // Another optimizer (another name): a legitimate warm start from the weights, with its own fresh state.
        var adagrad = ml.BinaryClassification.Trainers.Mlp(Options(OptimizerCases.All["Adagrad"], HalfEpochs))
            .Fit(s_data.Value, MlpModelParameters.Load(checkpoint.Path)).Model;
        Assert.Equal("Adagrad", adagrad.TrainingState!.OptimizerName);
        Assert.Equal(1, adagrad.TrainingState.OptimizerState!.BufferCount);
        Assert.Equal(2 * HalfEpochs, adagrad.History.Count);
    }

    private static void AssertSameBuffers(OptimizerState expected, OptimizerState actual)
    {
        Assert.Equal(expected.BufferCount, actual.BufferCount);
        Assert.Equal(expected.ParameterCount, actual.ParameterCount);
        for (int b = 0; b < expected.BufferCount; b++)
        {
            var e = expected.Buffer(b).ToArray();
            var a = actual.Buffer(b).ToArray();
            for (int i = 0; i < e.Length; i++)
                Assert.True(BitConverter.SingleToInt32Bits(e[i]) == BitConverter.SingleToInt32Bits(a[i]), $"buffer {b}, value {i}: {e[i]:R} vs {a[i]:R}");
        }
    }
}
