using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Trainers;
using static MLNet.Mlp.Benchmarks.BenchEnvironment;

namespace MLNet.Mlp.Benchmarks;

/// <summary>
/// Sparse, wide input over training time: a synthetic text-like set (1,275 rows of 150,000 features, a few hundred
/// non-zeros each, L2-normalized rows as FeaturizeText makes them) trained for 2, 10, 20 and 30 epochs, each in a fresh
/// process: the peak working set must not grow with the epochs. Each run also times scoring the sparse rows with the
/// in-memory model (Transform, PredictionEngine) and with the model after the stock <c>ml.Model.Load</c> (ONNX-backed,
/// which reads the rows densified).
/// </summary>
internal static class SparseMemoryBenchmark
{
    private sealed class Row
    {
        public bool Label { get; set; }

        public VBuffer<float> Features { get; set; }
    }

    private sealed class Output
    {
        public float Score { get; set; }
    }

    /// <summary><c>sparse-memory [--epochs 2,10,20,30] [--rows 1275] [--features 150000] [--nonzeros 300]</c>.</summary>
    public static int Run(string[] args)
    {
        var epochs = (StringOption(args, "--epochs") ?? "2,10,20,30").Split(',');
        string rows = IntOption(args, "--rows", 1275).ToString(CultureInfo.InvariantCulture);
        string features = IntOption(args, "--features", 150_000).ToString(CultureInfo.InvariantCulture);
        string nonZeros = IntOption(args, "--nonzeros", 300).ToString(CultureInfo.InvariantCulture);
        var runs = new List<TrainRun>();
        foreach (string e in epochs)
        {
            Console.WriteLine($"{rows} rows × {features} features, {e} epochs, fresh process ...");
            var run = RunSelf<TrainRun>("sparse-memory-one", "--epochs", e, "--rows", rows, "--features", features, "--nonzeros", nonZeros);
            Console.WriteLine($"    peak {F(run.PeakBytes / 1048576.0, "F0")} MB, Fit {F(run.FitSeconds, "F1")} s");
            runs.Add(run);
        }
        Console.WriteLine();
        Console.WriteLine(Table(runs));
        return 0;
    }

    /// <summary><c>sparse-memory-one --epochs N …</c>: one fit and the scoring timings in this process, then a RESULT line.</summary>
    public static int RunOne(string[] args)
    {
        int epochs = IntOption(args, "--epochs", 10), rowCount = IntOption(args, "--rows", 1275);
        int featureCount = IntOption(args, "--features", 150_000), nonZeros = IntOption(args, "--nonzeros", 300);
        var ml = new MLContext(seed: 0);
        var rows = Rows(rowCount, featureCount, nonZeros, seed: 1);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        var trainer = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { NumberOfEpochs = epochs });

        var clock = Stopwatch.StartNew();
        var model = trainer.Fit(data);
        double fitSeconds = clock.Elapsed.TotalSeconds;
        long peakAfterFit = PeakWorkingSet();
        double accuracy = ml.BinaryClassification.EvaluateNonCalibrated(model.Transform(data)).Accuracy;

        var info = new Dictionary<string, string>
        {
            ["features"] = featureCount.ToString(CultureInfo.InvariantCulture),
            ["transformRowsPerSecond"] = F(TransformRate(model, data, rowCount), "F0"),
            ["engineRowsPerSecond"] = F(EngineRate(ml, model, rows, schema), "F0"),
        };
        string zip = Path.Combine(Path.GetTempPath(), $"sparse-memory-{Environment.ProcessId}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, zip);
            var loaded = ml.Model.Load(zip, out _);
            info["loadedTransformRowsPerSecond"] = F(TransformRate(loaded, data, rowCount), "F0");
            info["loadedEngineRowsPerSecond"] = F(EngineRate(ml, ml.Model.Load(zip, out _), rows, schema), "F0");
        }
        finally
        {
            File.Delete(zip);
        }
        EmitResult(new TrainRun
        {
            Side = "mlp", Workload = $"sparse {rowCount}×{featureCount}, {epochs} epochs", FitSeconds = fitSeconds, Accuracy = accuracy,
            PeakBytes = peakAfterFit, Threads = Environment.ProcessorCount, Info = info,
        });
        return 0;
    }

    private static double TransformRate(ITransformer model, IDataView data, int rowCount)
    {
        double best = 0;
        for (int pass = 0; pass < 3; pass++)
        {
            var clock = Stopwatch.StartNew();
            var scored = model.Transform(data);
            using var cursor = scored.GetRowCursor(scored.Schema.Where(c => c.Name == "Score"));
            var score = cursor.GetGetter<float>(scored.Schema["Score"]);
            float value = 0;
            while (cursor.MoveNext()) score(ref value);
            best = Math.Max(best, rowCount / clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static double EngineRate(MLContext ml, ITransformer model, Row[] rows, SchemaDefinition schema)
    {
        using var engine = ml.Model.CreatePredictionEngine<Row, Output>(model, inputSchemaDefinition: schema);
        double best = 0;
        for (int pass = 0; pass < 3; pass++)
        {
            var clock = Stopwatch.StartNew();
            foreach (var row in rows) engine.Predict(row);
            best = Math.Max(best, rows.Length / clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    // Term ids drawn from a Zipf-like law (common terms shared by many rows, a long tail of rare ones), values
    // L2-normalized per row; the label is the sign of a fixed random weighting of the row's terms.
    private static Row[] Rows(int count, int features, int nonZeros, int seed)
    {
        var random = new Random(seed);
        var hidden = new float[features];
        for (int j = 0; j < features; j++) hidden[j] = (float)(random.NextDouble() * 2 - 1);
        var rows = new Row[count];
        var set = new SortedSet<int>();
        for (int r = 0; r < count; r++)
        {
            set.Clear();
            while (set.Count < Math.Min(nonZeros, features)) set.Add((int)Math.Min(features - 1, Math.Floor(Math.Pow(features, random.NextDouble()))));
            var indices = set.ToArray();
            var values = new float[indices.Length];
            double norm = 0, score = 0;
            for (int k = 0; k < values.Length; k++)
            {
                values[k] = (float)(1 + random.NextDouble());
                norm += values[k] * values[k];
            }
            for (int k = 0; k < values.Length; k++)
            {
                values[k] /= (float)Math.Sqrt(norm);
                score += values[k] * hidden[indices[k]];
            }
            rows[r] = new Row { Label = score > 0, Features = new VBuffer<float>(features, indices.Length, values, indices) };
        }
        return rows;
    }

    public static string Table(List<TrainRun> runs)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| set | Fit s | training accuracy | peak working set | Transform rows/s | PredictionEngine rows/s | after stock Load: Transform / PredictionEngine rows/s |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in runs)
        {
            sb.AppendLine($"| {r.Workload} | {F(r.FitSeconds, "F1")} | {F(100 * r.Accuracy, "F1")}% | {F(r.PeakBytes / 1048576.0, "F0")} MB | "
                + $"{r.Info.GetValueOrDefault("transformRowsPerSecond")} | {r.Info.GetValueOrDefault("engineRowsPerSecond")} | "
                + $"{r.Info.GetValueOrDefault("loadedTransformRowsPerSecond")} / {r.Info.GetValueOrDefault("loadedEngineRowsPerSecond")} |");
        }
        double first = runs[0].PeakBytes, last = runs.Max(r => r.PeakBytes);
        sb.AppendLine();
        sb.AppendLine($"Peak growth from the first to the largest run: {F(100 * (last - first) / first, "F1")}%.");
        return sb.ToString();
    }
}
