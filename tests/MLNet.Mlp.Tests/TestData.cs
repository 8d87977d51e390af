using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Tests;

/// <summary>
/// Paths of the sample data sets that tests use. The committed files under samples/data/ are copied
/// next to the test assembly (folder <c>data/</c>) by the test project; the full MNIST and
/// Fashion-MNIST sets are found in samples/data/full/ of the source tree, if samples/get-data.sh
/// has fetched them.
/// </summary>
internal static class TestData
{
    /// <summary>The copied samples/data/ folder next to the test assembly.</summary>
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "data");

    /// <summary>The committed MNIST subset: the first 6,000 training and first 1,000 test images.</summary>
    public static class MnistSubset
    {
        public const int TrainCount = 6000;
        public const int TestCount = 1000;
        public static string Directory => Path.Combine(Root, "mnist-subset");
        public static string TrainImages => Path.Combine(Directory, "train-images-idx3-ubyte.gz");
        public static string TrainLabels => Path.Combine(Directory, "train-labels-idx1-ubyte.gz");
        public static string TestImages => Path.Combine(Directory, "t10k-images-idx3-ubyte.gz");
        public static string TestLabels => Path.Combine(Directory, "t10k-labels-idx1-ubyte.gz");
    }

    /// <summary>
    /// The folder of the full MNIST set (60,000 + 10,000) fetched by samples/get-data.sh, or null when
    /// it has not been fetched (it is not committed, so tests that need it must cope with null).
    /// </summary>
    public static string? FullMnistDirectory => FindFull("mnist");

    /// <summary>The folder of the full Fashion-MNIST set fetched by samples/get-data.sh, or null.</summary>
    public static string? FullFashionMnistDirectory => FindFull("fashion-mnist");

    /// <summary>Breast cancer (Wisconsin diagnostic): binary, 569 rows, 30 features, Label true = malignant.</summary>
    public static Tabular BreastCancer { get; } = new("breast-cancer.csv", 569, 30, DataKind.Boolean);

    /// <summary>Iris: multiclass, 150 rows, 4 features, Label 0..2.</summary>
    public static Tabular Iris { get; } = new("iris.csv", 150, 4, DataKind.Single);

    /// <summary>Wine: multiclass, 178 rows, 13 features, Label 0..2.</summary>
    public static Tabular Wine { get; } = new("wine.csv", 178, 13, DataKind.Single);

    /// <summary>Diabetes: regression, 442 rows, 10 raw (unscaled) features, Label 25..346.</summary>
    public static Tabular Diabetes { get; } = new("diabetes.csv", 442, 10, DataKind.Single);

    /// <summary>All four tabular sets.</summary>
    public static IReadOnlyList<Tabular> AllTabular { get; } = [BreastCancer, Iris, Wine, Diabetes];

    private static string? FindFull(string name)
    {
        // The test assembly sits in tests/MLNet.Mlp.Tests/bin/<config>/<tfm>/; walk up to the source tree.
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "samples", "data", "full", name);
            if (File.Exists(Path.Combine(candidate, "train-images-idx3-ubyte.gz")))
                return candidate;
        }

        return null;
    }

    /// <summary>
    /// A committed tabular CSV in samples/data/tabular/: a header row, the features in columns
    /// 0..FeatureCount-1 and the label in the last column, named Label.
    /// </summary>
    /// <param name="FileName">The file name.</param>
    /// <param name="Rows">The number of data rows (without the header).</param>
    /// <param name="FeatureCount">The number of feature columns.</param>
    /// <param name="LabelKind">The label type to load: Boolean (true/false text) or Single.</param>
    public sealed record Tabular(string FileName, int Rows, int FeatureCount, DataKind LabelKind)
    {
        /// <summary>The path of the copied file.</summary>
        public string Path => System.IO.Path.Combine(Root, "tabular", FileName);

        /// <summary>Loads the file with columns <c>Features</c> (vector of Single) and <c>Label</c>.</summary>
        public IDataView Load(MLContext ml) => ml.Data.LoadFromTextFile(
            Path,
            [
                new TextLoader.Column("Features", DataKind.Single, 0, FeatureCount - 1),
                new TextLoader.Column("Label", LabelKind, FeatureCount),
            ],
            separatorChar: ',',
            hasHeader: true);
    }
}
