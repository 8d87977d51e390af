using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Datasets;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Compatibility;

/// <summary>
/// The committed sample data (samples/data) as the compatibility cases use it: a CSV table parsed here (not by ML.NET,
/// so the engine-level cases depend on nothing but this library), standardized here, and handed to the trainers as an
/// <see cref="IDataView"/> built with <c>LoadFromEnumerable</c>. Linked into the test and benchmark projects.
/// </summary>
internal sealed class CompatibilityData(string dataRoot)
{
    private readonly Dictionary<string, Table> _tables = [];
    private readonly Dictionary<int, MnistDataset> _mnist = [];
    private readonly Lock _lock = new();

    /// <summary>The samples/data folder (the test assembly's copy, or the source tree's).</summary>
    public string Root { get; } = dataRoot;

    public string MnistImages => Path.Combine(Root, "mnist-subset", "train-images-idx3-ubyte.gz");

    public string MnistLabels => Path.Combine(Root, "mnist-subset", "train-labels-idx1-ubyte.gz");

    public string TabularPath(string fileName) => Path.Combine(Root, "tabular", fileName);

    /// <summary>A CSV of samples/data/tabular: header, features, label last; parsed once.</summary>
    public Table Tabular(string fileName)
    {
        lock (_lock)
        {
            if (!_tables.TryGetValue(fileName, out var table))
                _tables[fileName] = table = Table.Read(TabularPath(fileName));
            return table;
        }
    }

    /// <summary>The first <paramref name="rows"/> images of the committed MNIST training subset (pixels in [0, 1]).</summary>
    public MnistDataset Mnist(int rows)
    {
        lock (_lock)
        {
            if (!_mnist.TryGetValue(rows, out var set))
                _mnist[rows] = set = MnistDataset.Load(MnistImages, MnistLabels, rows);
            return set;
        }
    }

    /// <summary>Rows of features and one label value each, as read from a CSV.</summary>
    internal sealed class Table
    {
        private Table(float[] features, int featureCount, float[] labels)
        {
            Features = features;
            FeatureCount = featureCount;
            Labels = labels;
        }

        public float[] Features { get; }

        public int FeatureCount { get; }

        public float[] Labels { get; }

        public int Rows => Labels.Length;

        public static Table Read(string path)
        {
            var lines = File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).ToArray();
            int width = lines[0].Split(',').Length - 1;
            var features = new float[lines.Length * width];
            var labels = new float[lines.Length];
            for (int r = 0; r < lines.Length; r++)
            {
                var cells = lines[r].Split(',');
                if (cells.Length != width + 1) throw new InvalidDataException($"{path}: row {r + 1} has {cells.Length} cells, expected {width + 1}.");
                for (int j = 0; j < width; j++) features[r * width + j] = Parse(cells[j]);
                labels[r] = cells[width] switch { "true" or "True" => 1f, "false" or "False" => 0f, var text => Parse(text) };
            }
            return new Table(features, width, labels);
        }

        private static float Parse(string text) => float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

        /// <summary>The features with each column shifted and scaled to mean 0 and standard deviation 1 (in double, then rounded).</summary>
        public float[] StandardizedFeatures() => Standardize(Features, FeatureCount);

        /// <summary>Column <paramref name="column"/> of the features.</summary>
        public float[] FeatureColumn(int column) => Enumerable.Range(0, Rows).Select(r => Features[r * FeatureCount + column]).ToArray();

        /// <summary>The labels standardized to mean 0 and standard deviation 1.</summary>
        public float[] StandardizedLabels() => Standardize(Labels, 1);

        public TrainingData Classification(float[]? weights = null) => new(StandardizedFeatures(), FeatureCount, (float[])Labels.Clone(), 1, weights);

        public TrainingData Regression() => new(StandardizedFeatures(), FeatureCount, StandardizedLabels(), 1);

        /// <summary>Rows <paramref name="from"/>..<paramref name="to"/> (exclusive) of <paramref name="data"/>.</summary>
        public static TrainingData Slice(TrainingData data, int from, int to, bool everyOther = false, bool odd = false)
        {
            var rows = Enumerable.Range(from, to - from).Where(r => !everyOther || (r % 2 == 1) == odd).ToArray();
            int f = data.FeatureCount, t = data.TargetWidth;
            var x = new float[rows.Length * f];
            var y = new float[rows.Length * t];
            var w = data.Weights != null ? new float[rows.Length] : null;
            for (int i = 0; i < rows.Length; i++)
            {
                Array.Copy(data.Features, rows[i] * f, x, i * f, f);
                Array.Copy(data.Targets, rows[i] * t, y, i * t, t);
                if (w != null) w[i] = data.Weights![rows[i]];
            }
            return new TrainingData(x, f, y, t, w);
        }
    }

    /// <summary>Each column of a [rows × width] buffer standardized (mean and population standard deviation in double).</summary>
    public static float[] Standardize(float[] values, int width)
    {
        int rows = values.Length / width;
        var result = new float[values.Length];
        for (int j = 0; j < width; j++)
        {
            double sum = 0, squares = 0;
            for (int r = 0; r < rows; r++) sum += values[r * width + j];
            double mean = sum / rows;
            for (int r = 0; r < rows; r++) { double d = values[r * width + j] - mean; squares += d * d; }
            double sd = Math.Sqrt(squares / rows);
            if (sd == 0) sd = 1;
            for (int r = 0; r < rows; r++) result[r * width + j] = (float)((values[r * width + j] - mean) / sd);
        }
        return result;
    }

    /// <summary>A row with a feature vector, a Single label and a weight (vector sizes set by the schema definition).</summary>
    internal sealed class ScalarLabelRow
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }

        public float Weight { get; set; }
    }

    /// <summary>A row with a feature vector and a Boolean label.</summary>
    internal sealed class BooleanLabelRow
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    /// <summary>A row with a feature vector and a vector label (multi-output regression).</summary>
    internal sealed class VectorLabelRow
    {
        public float[] Features { get; set; } = [];

        public float[] Label { get; set; } = [];
    }

    /// <summary>Columns Features (Single vector), Label (Single) and Weight (Single; 1 unless given).</summary>
    public static IDataView ScalarLabels(MLContext ml, float[] features, int featureCount, float[] labels, float[]? weights = null)
    {
        var definition = SchemaDefinition.Create(typeof(ScalarLabelRow));
        definition[nameof(ScalarLabelRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        var rows = Enumerable.Range(0, labels.Length).Select(r => new ScalarLabelRow
        {
            Features = features.AsSpan(r * featureCount, featureCount).ToArray(),
            Label = labels[r],
            Weight = weights?[r] ?? 1f,
        }).ToArray();
        return ml.Data.LoadFromEnumerable(rows, definition);
    }

    /// <summary>Columns Features (Single vector) and Label (Boolean: label value 1 is true).</summary>
    public static IDataView BooleanLabels(MLContext ml, float[] features, int featureCount, float[] labels)
    {
        var definition = SchemaDefinition.Create(typeof(BooleanLabelRow));
        definition[nameof(BooleanLabelRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        var rows = Enumerable.Range(0, labels.Length).Select(r => new BooleanLabelRow
        {
            Features = features.AsSpan(r * featureCount, featureCount).ToArray(),
            Label = labels[r] == 1f,
        }).ToArray();
        return ml.Data.LoadFromEnumerable(rows, definition);
    }

    /// <summary>Columns Features and Label, both Single vectors.</summary>
    public static IDataView VectorLabels(MLContext ml, float[] features, int featureCount, float[] labels, int labelWidth)
    {
        var definition = SchemaDefinition.Create(typeof(VectorLabelRow));
        definition[nameof(VectorLabelRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        definition[nameof(VectorLabelRow.Label)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, labelWidth);
        var rows = Enumerable.Range(0, labels.Length / labelWidth).Select(r => new VectorLabelRow
        {
            Features = features.AsSpan(r * featureCount, featureCount).ToArray(),
            Label = labels.AsSpan(r * labelWidth, labelWidth).ToArray(),
        }).ToArray();
        return ml.Data.LoadFromEnumerable(rows, definition);
    }
}
