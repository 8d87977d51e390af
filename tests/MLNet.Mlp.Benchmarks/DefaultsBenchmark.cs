using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Datasets;
using MLNet.Mlp.Trainers;
using static MLNet.Mlp.Benchmarks.BenchEnvironment;

namespace MLNet.Mlp.Benchmarks;

/// <summary>
/// Every option at its default: the MLP trainers next to ML.NET's linear trainers and scikit-learn's MLP, 5-fold
/// cross-validated on small tables with <c>NormalizeMeanVariance</c> in front (scikit-learn: <c>StandardScaler</c>), and
/// the MLP alone on full MNIST and Fashion-MNIST (pixels already in [0, 1]), each in a fresh process.
/// </summary>
internal static class DefaultsBenchmark
{
    private enum Task { Multiclass, Binary, Regression }

    private sealed record DataSet(string Name, Task Task, string Csv);

    private sealed class Score
    {
        public string Trainer { get; set; } = "";
        public double Metric { get; set; } = double.NaN;
        public double Auc { get; set; } = double.NaN;
        public double Seconds { get; set; }
        public string Note { get; set; } = "";
    }

    /// <summary><c>defaults [--tables-only | --mnist-only | --large-only] [--filter NAME]</c>: prints the tables.</summary>
    public static int Run(string[] args)
    {
        bool large = args.Contains("--large-only");
        bool tables = !large && !args.Contains("--mnist-only"), images = !large && !args.Contains("--tables-only");
        string? filter = args.SkipWhile(a => a != "--filter").Skip(1).FirstOrDefault();
        var report = new StringBuilder();
        if (tables)
        {
            string dir = Directory.CreateTempSubdirectory("mlp-defaults-").FullName;
            report.AppendLine("| data set | rows × features | metric | Mlp (defaults) | epochs (stop reasons) | Mlp, raw columns | ML.NET linear | scikit-learn MLPs |");
            report.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var set in DataSets(dir).Where(s => filter is null || s.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
            {
                Console.WriteLine($"{set.Name} ...");
                report.AppendLine(Row(set));
                Console.WriteLine(report.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
            }
        }
        if (images)
        {
            report.AppendLine();
            report.AppendLine("| data set | test accuracy | Fit seconds | epochs | steps | batch | stop reason |");
            report.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
            foreach (string name in new[] { "mnist", "fashion-mnist" })
            {
                Console.WriteLine($"{name} ...");
                var run = RunSelf<TrainRun>("defaults-one", name);
                report.AppendLine($"| {name} | {F(100 * run.Accuracy, "F2")} % | {F(run.FitSeconds, "F1")} | {run.Info["epochs"]} | {run.Info["steps"]} | {run.Info["batch"]} | {run.Info["stop"]} |");
            }
        }
        if (large || (tables && images && filter is null))
        {
            report.AppendLine();
            report.AppendLine("| training rows | batch | test accuracy | AUC | Fit seconds | epochs | stop reason |");
            report.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
            var ml = new MLContext(seed: 0);
            var test = LargeTable(ml, 200_000, seed: 2);
            foreach (int rows in new[] { 200_000, 1_000_000 })
            {
                Console.WriteLine($"large table, {rows:N0} rows ...");
                var train = LargeTable(ml, rows, seed: 1);
                foreach (int? batch in new int?[] { null, Training.TrainingDefaults.BatchSize }) report.AppendLine(LargeTableRow(train, rows, test, batch));
            }
        }
        Console.WriteLine();
        Console.WriteLine(report);
        return 0;
    }

    /// <summary>
    /// Every option at its default on a large synthetic table (20 standard normal columns, a label drawn from a logistic
    /// of a curved function of eleven of them; 200,000 test rows), next to the same run in batches of 32: the default
    /// batch grows with the rows so that the step limit covers ten epochs, where batches of 32 would see a million rows
    /// two thirds of a time.
    /// </summary>
    private static string LargeTableRow(IDataView train, int rows, IDataView test, int? batch)
    {
        // A context of its own: each run draws the same initial weights whatever ran before it.
        var ml = new MLContext(seed: 0);
        var clock = Stopwatch.StartNew();
        var model = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { BatchSize = batch }).Fit(train);
        double seconds = clock.Elapsed.TotalSeconds;
        var metrics = ml.BinaryClassification.EvaluateNonCalibrated(model.Transform(test));
        var mlp = model.Model;
        int used = batch ?? Training.TrainingDefaults.BatchSizeFor(rows, new Training.ConvergenceCriterion());
        return $"| {rows:N0} | {used}{(batch is null ? " (default)" : "")} | {F(100 * metrics.Accuracy, "F2")} % | {F(metrics.AreaUnderRocCurve, "F4")} | "
            + $"{F(seconds, "F1")} | {mlp.History.Count} | {mlp.StopReason} |";
    }

    private sealed class LargeTableExample
    {
        [VectorType(20)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    private static IDataView LargeTable(MLContext ml, int rows, int seed)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var list = new List<LargeTableExample>(rows);
        for (int i = 0; i < rows; i++)
        {
            var x = new float[20];
            for (int j = 0; j < x.Length; j++) x[j] = (float)Normal();
            double f = 1.5 * x[0] * x[1] + 2 * Math.Sin(2 * x[2]) + x[3] * x[3] - 1 + 0.7 * x[4] - Math.Abs(x[5]) + 0.8
                + Math.Max(0, x[6] + x[7]) - 0.56 + 0.5 * x[8] * x[9] * x[10];
            list.Add(new LargeTableExample { Features = x, Label = random.NextDouble() < 1 / (1 + Math.Exp(-2 * f)) });
        }
        return ml.Data.LoadFromEnumerable(list);
    }

    /// <summary><c>defaults-one mnist|fashion-mnist</c>: the MLP with default options on the full set, in this process.</summary>
    public static int RunOne(string[] args)
    {
        string dir = DataSet(args[0]);
        var ml = new MLContext(seed: 0);
        var train = ml.Data.LoadFromIdx(Path.Combine(dir, "train-images-idx3-ubyte.gz"), Path.Combine(dir, "train-labels-idx1-ubyte.gz"));
        var test = ml.Data.LoadFromIdx(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Mlp());
        var clock = Stopwatch.StartNew();
        var model = pipeline.Fit(train);
        double seconds = clock.Elapsed.TotalSeconds;
        var mlp = model.LastTransformer.Model;
        double accuracy = ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
        EmitResult(new TrainRun
        {
            Side = "ours", Workload = args[0], FitSeconds = seconds, Accuracy = accuracy, Threads = Environment.ProcessorCount,
            Info = new()
            {
                ["epochs"] = mlp.History.Count.ToString(CultureInfo.InvariantCulture),
                ["steps"] = mlp.History.Sum(h => h.Steps).ToString(CultureInfo.InvariantCulture),
                ["batch"] = Training.TrainingDefaults.BatchSizeFor(60_000, new Training.ConvergenceCriterion()).ToString(CultureInfo.InvariantCulture),
                ["stop"] = mlp.StopReason.ToString(),
            },
        });
        return 0;
    }

    private static string Row(DataSet set)
    {
        var ml = new MLContext(seed: 0);
        var (data, rows, features) = Load(ml, set);
        var mlp = CrossValidate(ml, set.Task, data, "Mlp", out var models);
        string stops = string.Join(", ", models.GroupBy(m => m.StopReason).Select(g => $"{g.Count()}× {g.Key}"));
        string epochs = $"{F(models.Average(m => m.History.Count), "F0")} ({stops})";
        // The same without a normalizer in front: the trainer's own standardization alone.
        var raw = CrossValidate(ml, set.Task, data, "Mlp", out _, normalize: false);
        var linear = LinearTrainers(set.Task).Select(name => CrossValidate(ml, set.Task, data, name, out _)).ToList();
        var sklearn = ScikitLearn(set);
        string metric = set.Task switch { Task.Regression => "R²", Task.Binary => "accuracy / AUC", _ => "accuracy" };
        return $"| {set.Name} | {rows} × {features} | {metric} | {Format(mlp, set.Task)} | {epochs} | {Format(raw, set.Task)} | "
            + string.Join("; ", linear.Select(s => $"{s.Trainer} {Format(s, set.Task)}")) + $" | {Format(sklearn, set.Task)}{sklearn.Note} |";
    }

    private static string Format(Score s, Task task)
    {
        if (double.IsNaN(s.Metric)) return "–";
        string value = task == Task.Regression ? F(s.Metric, "F3") : F(100 * s.Metric, "F1") + " %";
        if (task == Task.Binary) value += " / " + F(s.Auc, "F3");
        return value + $" ({F(s.Seconds, "F1")} s)";
    }

    private static string[] LinearTrainers(Task task) => task switch
    {
        Task.Multiclass => ["SdcaMaximumEntropy", "LbfgsMaximumEntropy"],
        Task.Binary => ["SdcaLogisticRegression", "LbfgsLogisticRegression"],
        _ => ["Sdca", "LbfgsPoissonRegression"],
    };

    private static Score CrossValidate(MLContext ml, Task task, IDataView data, string trainer, out List<MlpModelParameters> models, bool normalize = true)
    {
        IEstimator<ITransformer> front = normalize ? ml.Transforms.NormalizeMeanVariance("Features") : new EstimatorChain<ITransformer>();
        var clock = Stopwatch.StartNew();
        var score = new Score { Trainer = trainer };
        IEnumerable<ITransformer> foldModels;
        switch (task)
        {
            case Task.Multiclass:
            {
                var t = ml.MulticlassClassification.Trainers;
                IEstimator<ITransformer> estimator = trainer switch { "Mlp" => t.Mlp(), "SdcaMaximumEntropy" => t.SdcaMaximumEntropy(), _ => t.LbfgsMaximumEntropy() };
                var folds = ml.MulticlassClassification.CrossValidate(data, front.Append(estimator), 5);
                score.Metric = folds.Average(f => f.Metrics.MicroAccuracy);
                foldModels = folds.Select(f => f.Model);
                break;
            }
            case Task.Binary:
            {
                var t = ml.BinaryClassification.Trainers;
                IEstimator<ITransformer> estimator = trainer switch { "Mlp" => t.Mlp(), "SdcaLogisticRegression" => t.SdcaLogisticRegression(), _ => t.LbfgsLogisticRegression() };
                var folds = ml.BinaryClassification.CrossValidateNonCalibrated(data, front.Append(estimator), 5);
                score.Metric = folds.Average(f => f.Metrics.Accuracy);
                score.Auc = folds.Average(f => f.Metrics.AreaUnderRocCurve);
                foldModels = folds.Select(f => f.Model);
                break;
            }
            default:
            {
                var t = ml.Regression.Trainers;
                IEstimator<ITransformer> estimator = trainer switch { "Mlp" => t.Mlp(), "Sdca" => t.Sdca(), _ => t.LbfgsPoissonRegression() };
                var folds = ml.Regression.CrossValidate(data, front.Append(estimator), 5);
                score.Metric = folds.Average(f => f.Metrics.RSquared);
                foldModels = folds.Select(f => f.Model);
                break;
            }
        }
        models = foldModels.Select(m => ((IEnumerable<ITransformer>)m).Last()).OfType<MlpPredictionTransformer>().Select(p => p.Model).ToList();
        score.Seconds = clock.Elapsed.TotalSeconds;
        return score;
    }

    /// <summary>A CSV's rows as numbers (a boolean label as 0/1).</summary>
    private static List<float[]> Rows(string csv)
        => File.ReadLines(csv).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(v => v switch { "true" => 1f, "false" => 0f, _ => float.Parse(v, CultureInfo.InvariantCulture) }).ToArray()).ToList();

    private static Score ScikitLearn(DataSet set)
    {
        // The script reads numbers only: the rows as this side parsed them.
        string numeric = Path.Combine(Path.GetTempPath(), $"mlp-defaults-{Environment.ProcessId}-{set.Name.GetHashCode(StringComparison.Ordinal):x}.csv");
        var rows = Rows(set.Csv);
        Write(Path.GetDirectoryName(numeric)!, Path.GetFileName(numeric), rows[0].Length - 1, rows.Select(r => Csv([.. r.Select(v => (double)v)])));
        string script = Path.Combine(RepositoryRoot, "tests", "MLNet.Mlp.Benchmarks", "sklearn", "defaults_peer.py");
        string task = set.Task.ToString().ToLowerInvariant();
        try
        {
            var run = RunChild<Score>("/usr/bin/python3", [script, task, numeric], null);
            run.Trainer = "MLPClassifier/MLPRegressor";
            return run;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // No python3 or no scikit-learn: the column says so instead of failing the table.
            return new Score { Note = " skipped (python3 with scikit-learn not found)" };
        }
        finally
        {
            File.Delete(numeric);
        }
    }

    /// <summary>The committed tables, scikit-learn's digits, and three generated sets no issue names: two moons
    /// (binary, nonlinear boundary), Friedman #1 (regression, nonlinear) and 26 Gaussian blobs in 16 dimensions (many
    /// classes). Every set is written as a CSV (features, then the label) so that both sides read the same rows.</summary>
    private static IEnumerable<DataSet> DataSets(string dir)
    {
        string tabular = Path.Combine(RepositoryRoot, "samples", "data", "tabular");
        yield return new("iris", Task.Multiclass, Path.Combine(tabular, "iris.csv"));
        yield return new("wine", Task.Multiclass, Path.Combine(tabular, "wine.csv"));
        yield return new("breast cancer", Task.Binary, Path.Combine(tabular, "breast-cancer.csv"));
        yield return new("diabetes", Task.Regression, Path.Combine(tabular, "diabetes.csv"));
        string digits = Path.Combine("/usr/lib/python3/dist-packages/sklearn/datasets/data", "digits.csv.gz");
        if (File.Exists(digits))
        {
            using var gzip = new GZipStream(File.OpenRead(digits), CompressionMode.Decompress);
            using var reader = new StreamReader(gzip);
            string[] lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            yield return new("digits (scikit-learn)", Task.Multiclass, Write(dir, "digits.csv", 64, lines));
        }
        var random = new Random(0);
        yield return new("two moons (synthetic)", Task.Binary, Write(dir, "moons.csv", 2, Enumerable.Range(0, 1000).Select(i =>
        {
            bool upper = i % 2 == 0;
            double angle = Math.PI * random.NextDouble();
            double x = upper ? Math.Cos(angle) : 1 - Math.Cos(angle), y = upper ? Math.Sin(angle) : 0.5 - Math.Sin(angle);
            return Csv(x + 0.2 * Gaussian(random), y + 0.2 * Gaussian(random), upper ? 1 : 0);
        })));
        yield return new("Friedman #1 (synthetic)", Task.Regression, Write(dir, "friedman1.csv", 10, Enumerable.Range(0, 1000).Select(_ =>
        {
            var x = Enumerable.Range(0, 10).Select(_ => random.NextDouble()).ToArray();
            double y = 10 * Math.Sin(Math.PI * x[0] * x[1]) + 20 * (x[2] - 0.5) * (x[2] - 0.5) + 10 * x[3] + 5 * x[4] + Gaussian(random);
            return Csv([.. x, y]);
        })));
        var centers = Enumerable.Range(0, 26).Select(_ => Enumerable.Range(0, 16).Select(_ => 2.5 * Gaussian(random)).ToArray()).ToArray();
        yield return new("26 blobs in 16-d (synthetic)", Task.Multiclass, Write(dir, "blobs26.csv", 16, Enumerable.Range(0, 26 * 60).Select(i =>
            Csv([.. centers[i % 26].Select(c => c + 1.5 * Gaussian(random)), i % 26]))));
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static string Csv(params double[] values) => string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    private static string Write(string dir, string name, int features, IEnumerable<string> lines)
    {
        string path = Path.Combine(dir, name);
        var header = string.Join(",", Enumerable.Range(0, features).Select(i => $"f{i}").Append("Label"));
        File.WriteAllLines(path, lines.Prepend(header));
        return path;
    }

    private sealed class Example
    {
        public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    private sealed class BinaryExample
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    private static (IDataView Data, int Rows, int Features) Load(MLContext ml, DataSet set)
    {
        var rows = Rows(set.Csv);
        int features = rows[0].Length - 1;
        IDataView data;
        if (set.Task == Task.Binary)
        {
            var schema = SchemaDefinition.Create(typeof(BinaryExample));
            schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
            data = ml.Data.LoadFromEnumerable(rows.Select(r => new BinaryExample { Features = r[..features], Label = r[features] != 0 }).ToList(), schema);
        }
        else
        {
            var schema = SchemaDefinition.Create(typeof(Example));
            schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
            data = ml.Data.LoadFromEnumerable(rows.Select(r => new Example { Features = r[..features], Label = r[features] }).ToList(), schema);
            if (set.Task == Task.Multiclass) data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        }
        return (ml.Data.Cache(data), rows.Count, features);
    }
}
