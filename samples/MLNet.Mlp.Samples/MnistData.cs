using Microsoft.ML;
using MLNet.Mlp.Datasets;

namespace MLNet.Mlp.Samples;

/// <summary>Which MNIST-format image set a sample trains on.</summary>
public enum MnistChoice
{
    /// <summary>The embedded 6,000 + 1,000 image prefix of MNIST (no download).</summary>
    Subset,
    /// <summary>Full MNIST, 60,000 + 10,000 images (<c>bash samples/get-data.sh</c>).</summary>
    Mnist,
    /// <summary>Full Fashion-MNIST, 60,000 + 10,000 images (<c>bash samples/get-data.sh</c>).</summary>
    Fashion,
}

/// <summary>An MNIST-format training and test set, loaded with <c>ml.Data.LoadFromIdx</c>.</summary>
public sealed record MnistData(string Name, IDataView Train, IDataView Test, long TrainRows, long TestRows)
{
    /// <summary>
    /// Loads the set; the full sets must have been fetched (otherwise <see cref="SampleData.RequireFull"/> throws a
    /// <see cref="DirectoryNotFoundException"/> that says what to run). <paramref name="trainRows"/> keeps only the
    /// first rows of the training file.
    /// </summary>
    public static MnistData Load(MLContext ml, MnistChoice choice, int? trainRows = null)
    {
        (string name, string dir) = choice switch
        {
            MnistChoice.Subset => ("MNIST subset", SampleData.SubsetDirectory),
            MnistChoice.Mnist => ("MNIST", SampleData.RequireFull("mnist")),
            MnistChoice.Fashion => ("Fashion-MNIST", SampleData.RequireFull("fashion-mnist")),
            _ => throw new ArgumentOutOfRangeException(nameof(choice)),
        };
        var train = ml.Data.LoadFromIdx(Path.Combine(dir, "train-images-idx3-ubyte.gz"), Path.Combine(dir, "train-labels-idx1-ubyte.gz"), trainRows);
        var test = ml.Data.LoadFromIdx(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
        return new MnistData(name, train, test, train.GetRowCount() ?? 0, test.GetRowCount() ?? 0);
    }
}
