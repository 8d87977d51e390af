using ScottPlot;

namespace MLNet.Mlp.Samples;

/// <summary>Line and scatter charts written as PNG files with ScottPlot 5 (rendered by SkiaSharp, no display needed).</summary>
public static class Plots
{
    /// <summary>Width and height of every chart, in pixels.</summary>
    public const int Width = 900, Height = 560;

    /// <summary>One line of a chart.</summary>
    public sealed record Series(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y);

    /// <summary>The epoch numbers of a history, as x values.</summary>
    public static double[] Epochs(IReadOnlyList<MLNet.Mlp.Training.EpochRecord> history) => history.Select(e => (double)e.Epoch).ToArray();

    /// <summary>The learning curves of a training history: training loss and validation loss per epoch.</summary>
    /// <param name="history">The model's history.</param>
    /// <param name="validationLabel">Legend of the validation line (says what the validation rows are).</param>
    public static Series[] LossCurves(IReadOnlyList<MLNet.Mlp.Training.EpochRecord> history, string validationLabel)
    {
        var epochs = Epochs(history);
        return
        [
            new Series("training loss", epochs, history.Select(e => e.TrainingLoss).ToArray()),
            new Series(validationLabel, epochs, history.Select(e => e.ValidationLoss ?? double.NaN).ToArray()),
        ];
    }

    /// <summary>A line chart, one line with markers per series, a legend, and integer ticks on x when <paramref name="integerX"/>.</summary>
    /// <returns>The path written.</returns>
    public static string Lines(string path, string title, string xLabel, string yLabel, IEnumerable<Series> series,
        bool integerX = true, bool markers = true, Alignment legend = Alignment.UpperRight)
    {
        var plot = new Plot();
        foreach (var s in series)
        {
            var line = plot.Add.Scatter(s.X.ToArray(), s.Y.ToArray());
            line.LegendText = s.Label;
            line.LineWidth = 2;
            line.MarkerSize = markers ? 6 : 0;
        }
        Decorate(plot, title, xLabel, yLabel);
        if (integerX) plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(legend);
        return Save(plot, path);
    }

    /// <summary>A scatter chart of predicted against actual values, with the y = x diagonal.</summary>
    public static string PredictedVersusActual(string path, string title, IReadOnlyList<double> actual, IReadOnlyList<double> predicted, string unit)
    {
        var plot = new Plot();
        var points = plot.Add.ScatterPoints(actual.ToArray(), predicted.ToArray());
        points.LegendText = "test rows";
        points.MarkerSize = 6;
        double lo = Math.Min(actual.Min(), predicted.Min()), hi = Math.Max(actual.Max(), predicted.Max());
        var diagonal = plot.Add.Line(lo, lo, hi, hi);
        diagonal.LegendText = "perfect prediction (y = x)";
        diagonal.LineWidth = 1.5f;
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LineColor = Colors.Gray;
        Decorate(plot, title, $"actual {unit}", $"predicted {unit}");
        plot.ShowLegend(Alignment.UpperLeft);
        return Save(plot, path);
    }

    private static void Decorate(Plot plot, string title, string xLabel, string yLabel)
    {
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
    }

    private static string Save(Plot plot, string path)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir != null) Directory.CreateDirectory(dir);
        plot.SavePng(path, Width, Height);
        return path;
    }
}
