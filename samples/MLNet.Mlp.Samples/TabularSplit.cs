using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Samples;

/// <summary>The shipped CSV files (features first, then <c>Label</c>) loaded and split 75/25 with a fixed seed.</summary>
public static class TabularSplit
{
    public static DataOperationsCatalog.TrainTestData Load(MLContext ml, string file, DataKind labelKind, int seed = 0)
    {
        string path = SampleData.TabularPath(file);
        int featureCount = File.ReadLines(path).First().Split(',').Length - 1;
        var data = ml.Data.LoadFromTextFile(path,
            [new TextLoader.Column("Features", DataKind.Single, 0, featureCount - 1), new TextLoader.Column("Label", labelKind, featureCount)],
            separatorChar: ',', hasHeader: true);
        return ml.Data.TrainTestSplit(data, testFraction: 0.25, seed: seed);
    }
}
