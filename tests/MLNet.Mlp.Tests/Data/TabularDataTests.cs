using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Tests.Data;

public sealed class TabularDataTests
{
    public static TheoryData<string> Names => new() { "breast-cancer.csv", "iris.csv", "wine.csv", "diabetes.csv" };

    [Theory]
    [MemberData(nameof(Names))]
    public void LoadsWithExpectedShape(string fileName)
    {
        TestData.Tabular set = TestData.AllTabular.Single(t => t.FileName == fileName);
        var ml = new MLContext(seed: 1);

        IDataView view = set.Load(ml);

        var features = Assert.IsType<VectorDataViewType>(view.Schema["Features"].Type);
        Assert.Equal(set.FeatureCount, features.Size);
        float[][] rows = view.GetColumn<float[]>("Features").ToArray();
        Assert.Equal(set.Rows, rows.Length);
        Assert.All(rows, r => Assert.All(r, v => Assert.True(float.IsFinite(v))));

        // The header row has one name per feature plus Label, and every data row as many fields.
        string[] lines = File.ReadAllLines(set.Path);
        Assert.Equal(set.Rows + 1, lines.Length);
        string[] header = lines[0].Split(',');
        Assert.Equal(set.FeatureCount + 1, header.Length);
        Assert.Equal("Label", header[^1]);
        Assert.All(lines, l => Assert.Equal(set.FeatureCount + 1, l.Split(',').Length));
    }

    [Fact]
    public void BreastCancerLabelIsBooleanWith212Malignant()
    {
        var ml = new MLContext(seed: 1);
        bool[] labels = TestData.BreastCancer.Load(ml).GetColumn<bool>("Label").ToArray();

        Assert.Equal(569, labels.Length);
        Assert.Equal(212, labels.Count(l => l));
    }

    [Theory]
    [InlineData("iris.csv", new[] { 50, 50, 50 })]
    [InlineData("wine.csv", new[] { 59, 71, 48 })]
    public void MulticlassLabelsAreClassIndices(string fileName, int[] perClass)
    {
        var ml = new MLContext(seed: 1);
        float[] labels = TestData.AllTabular.Single(t => t.FileName == fileName).Load(ml).GetColumn<float>("Label").ToArray();

        Assert.Equal(perClass, Enumerable.Range(0, perClass.Length).Select(c => labels.Count(l => l == c)));
    }

    [Fact]
    public void DiabetesTargetIsInItsKnownRange()
    {
        var ml = new MLContext(seed: 1);
        float[] labels = TestData.Diabetes.Load(ml).GetColumn<float>("Label").ToArray();

        Assert.Equal(25f, labels.Min());
        Assert.Equal(346f, labels.Max());
    }
}
