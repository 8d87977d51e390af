using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>Small generated data sets for the ML.NET-level trainer tests (seeded, so every run sees the same rows).</summary>
internal static class SyntheticData
{
    public sealed class StringLabelRow
    {
        [VectorType(4)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    public sealed class FloatLabelRow
    {
        [VectorType(2)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    public sealed class BoolLabelRow
    {
        [VectorType(2)] public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    public sealed class WeightedBoolRow
    {
        [VectorType(2)] public float[] Features { get; set; } = [];
        public bool Label { get; set; }
        public float Weight { get; set; }
    }

    public sealed class VectorLabelRow
    {
        [VectorType(5)] public float[] Features { get; set; } = [];
        [VectorType(2)] public float[] Label { get; set; } = [];
    }

    private static readonly string[] IrisNames = ["setosa", "versicolor", "virginica"];

    /// <summary>Iris with its classes as strings (setosa, versicolor, virginica), for MapValueToKey on text.</summary>
    public static IDataView IrisWithStringLabels(MLContext ml)
    {
        var iris = TestData.Iris.Load(ml);
        var features = iris.GetColumn<float[]>("Features").ToArray();
        var labels = iris.GetColumn<float>("Label").ToArray();
        var rows = features.Select((f, i) => new StringLabelRow { Features = f, Label = IrisNames[(int)labels[i]] }).ToArray();
        return ml.Data.LoadFromEnumerable(rows);
    }

    /// <summary>
    /// Binary data where feature 0 alone decides the label (x0 &gt; 0) and feature 1 is independent noise on the same
    /// scale: a model that learned the task depends on feature 0 only.
    /// </summary>
    public static BoolLabelRow[] SignalAndNoise(int rows, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ =>
        {
            float x0 = (float)(random.NextDouble() * 2 - 1), x1 = (float)(random.NextDouble() * 2 - 1);
            return new BoolLabelRow { Features = [x0, x1], Label = x0 > 0 };
        }).ToArray();
    }

    /// <summary>Two-feature, three-class data whose class is the band of x0 (x1 is noise), as Single labels 0..2.</summary>
    public static FloatLabelRow[] Bands(int rows, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ =>
        {
            float x0 = (float)(random.NextDouble() * 3), x1 = (float)random.NextDouble();
            return new FloatLabelRow { Features = [x0, x1], Label = MathF.Min(2f, MathF.Floor(x0)) };
        }).ToArray();
    }

    /// <summary>Two smooth targets of five features on a large scale (so label standardization matters).</summary>
    public static VectorLabelRow[] TwoTargets(int rows, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ =>
        {
            var x = Enumerable.Range(0, 5).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            return new VectorLabelRow
            {
                Features = x,
                Label = [500f + 120f * (x[0] + 0.5f * x[1] * x[2]), -40f + 8f * MathF.Sin(2f * x[3]) + 3f * x[4]],
            };
        }).ToArray();
    }

    /// <summary>
    /// A small, noisy binary problem (labels flipped with probability 0.3) that a wide network overfits within a few
    /// dozen epochs: the validation loss falls, then rises.
    /// </summary>
    public static BoolLabelRow[] NoisyLinear(int rows, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ =>
        {
            float x0 = (float)(random.NextDouble() * 2 - 1), x1 = (float)(random.NextDouble() * 2 - 1);
            bool clean = x0 + x1 > 0;
            return new BoolLabelRow { Features = [x0, x1], Label = random.NextDouble() < 0.3 ? !clean : clean };
        }).ToArray();
    }
}
