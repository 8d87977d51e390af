using MLNet.Mlp.Onnx;
using MLNet.Mlp.Tasks;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Tasks;

/// <summary>Every task stored in a model or checkpoint has exactly one head, which maps to the matching ONNX head.</summary>
public class TaskHeadTests
{
    [Fact]
    public void EveryTaskHasItsOwnHead()
    {
        var heads = Enum.GetValues<MlpTask>().Select(MlpTaskHead.For).ToArray();
        Assert.Equal(Enum.GetValues<MlpTask>(), heads.Select(h => h.Task));
        Assert.Equal(heads.Length, heads.Distinct().Count());
        Assert.Same(MlpTaskHead.Multiclass, MlpTaskHead.For(MlpTask.MulticlassClassification));
        Assert.Same(MlpTaskHead.Binary, MlpTaskHead.For(MlpTask.BinaryClassification));
        Assert.Same(MlpTaskHead.Regression, MlpTaskHead.For(MlpTask.Regression));
        Assert.Throws<ArgumentOutOfRangeException>(() => MlpTaskHead.For((MlpTask)3));
    }

    [Fact]
    public void EachHeadMapsToTheOnnxHeadOfItsTask()
    {
        Assert.Equal(OnnxHead.Multiclass, MlpTaskHead.Multiclass.OnnxHead);
        Assert.Equal(OnnxHead.Binary, MlpTaskHead.Binary.OnnxHead);
        Assert.Equal(OnnxHead.Regression, MlpTaskHead.Regression.OnnxHead);
        Assert.True(MlpTaskHead.Multiclass.ScoreIsVector(3));
        Assert.False(MlpTaskHead.Binary.ScoreIsVector(1));
        Assert.False(MlpTaskHead.Regression.ScoreIsVector(1));
        Assert.True(MlpTaskHead.Regression.ScoreIsVector(2));
    }
}
