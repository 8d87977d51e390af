using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Activations;
using MLNet.Mlp.Datasets;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Numerics.MatrixMultiplication;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Trainers;
using static MLNet.Mlp.Benchmarks.BenchEnvironment;

namespace MLNet.Mlp.Benchmarks;

/// <summary>
/// Scoring speed of a 784-128-10 model (W2's network, trained one epoch) over the 10,000 MNIST test rows:
/// PredictionEngine one row at a time, model.Transform(test) enumerated to the end, and both again for the
/// ONNX-backed model that ml.Model.Load returns, and the model ml.Model.LoadMlp returns. Best and median of several passes,
/// then the PyTorch peer on the same rows right after (batch 1 for the one-row paths, the whole test set as one batch for
/// Transform), and the ratios to it. Also the one-row product of the hidden layer alone (the matrix-vector kernel).
/// </summary>
internal static class InferenceBenchmark
{
    public sealed class Row
    {
        public string Path { get; set; } = "";
        public double BestRowsPerSecond { get; set; }
        public double MedianRowsPerSecond { get; set; }
        public string Target { get; set; } = "";

        /// <summary>The PyTorch measurement this row is compared with: "batch1", "fullBatch", or "" for none.</summary>
        public string Peer { get; set; } = "";

        /// <summary>The least ratio to <see cref="Peer"/> that meets the target (0: no target).</summary>
        public double TargetRatio { get; set; }
    }

    public sealed class Input
    {
        [VectorType(784)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    public sealed class ChainOutput
    {
        public float[] Score { get; set; } = [];

        public float PredictedLabel { get; set; }
    }

    public sealed class MlpOutput
    {
        public float[] Score { get; set; } = [];

        [KeyType(10)]
        public uint PredictedLabel { get; set; }
    }

    /// <summary><c>inference [--passes N] [--no-torch] [--filter TEXT] [--no-kernels | --kernels-only]</c>: prints the table (with ratios to PyTorch run right after) and a RESULT line.</summary>
    public static int Run(string[] args)
    {
        Console.WriteLine($"Instruction sets: Vector512 {Vector512.IsHardwareAccelerated}, Vector256 {Vector256.IsHardwareAccelerated}, "
                          + $"Vector128 {Vector128.IsHardwareAccelerated}, FMA {System.Runtime.Intrinsics.X86.Fma.IsSupported}");
        int at = Array.IndexOf(args, "--filter");
        var rows = args.Contains("--kernels-only") ? [] : Measure(IntOption(args, "--passes", 10), at >= 0 && at + 1 < args.Length ? args[at + 1] : null);
        if (!args.Contains("--no-kernels")) rows.AddRange(OneRowKernel());
        Dictionary<string, string>? torch = null;
        if (!args.Contains("--no-torch"))
        {
            Console.WriteLine("PyTorch inference (the peer, right after) ...");
            torch = TorchPeer.Infer(Environment.ProcessorCount).Info;
        }
        Console.WriteLine();
        Console.WriteLine(Table(rows, torch));
        EmitResult(rows);
        return 0;
    }

    // The dense layers' products at batch 1 alone, then the whole network over scoring blocks of several heights (one
    // thread): what PredictionEngine and each Transform block spend on arithmetic. Timed by the thread's CPU time, which
    // other processes on a shared host disturb far less than the wall clock.
    private static IEnumerable<Row> OneRowKernel()
    {
        var random = new Random(1);
        foreach ((int n, int k) in new[] { (128, 784), (10, 128) })
        {
            float[] x = Fill(random, k), w = Fill(random, n * k), bias = Fill(random, n), y = new float[n];
            int calls = Math.Max(1000, 20_000_000 / (n * k));
            var row = Time($"One-row product x·Wᵀ + b, 1×{k}→{n} (GFLOP/s, thread CPU time)", 2.0 * n * k * calls / 1e9,
                () => { for (int i = 0; i < calls; i++) MatrixMultiply.Multiply(x, false, w, true, y, 1, n, k, bias); });
            yield return row;
        }

        var network = new Network(784, new DenseLayer(128, Activation.Relu), new DenseLayer(10, Activation.Softmax));
        network.Initialize(1);
        const int total = 4096;
        float[] inputs = Fill(random, total * 784), outputs = new float[total * 10];
        foreach (int block in new[] { 1, 32, 64, 128, 256 })
        {
            yield return Time($"Network.Predict in blocks of {block} rows, one thread (k rows/s, thread CPU time)", total / 1e3, () =>
            {
                for (int start = 0; start < total; start += block)
                    network.Predict(inputs.AsSpan(start * 784, block * 784), outputs.AsSpan(start * 10, block * 10), block);
            });
        }
    }

    private static Row Time(string label, double work, Action pass)
    {
        var rates = new List<double>();
        WarmUp(pass);
        for (int i = 0; i < 10; i++)
        {
            double start = ThreadCpuClock.Seconds();
            pass();
            rates.Add(work / (ThreadCpuClock.Seconds() - start));
        }
        var row = new Row { Path = label, BestRowsPerSecond = rates.Max(), MedianRowsPerSecond = Median(rates) };
        Console.WriteLine($"  {label}: best {F(row.BestRowsPerSecond, "F1")}, median {F(row.MedianRowsPerSecond, "F1")}");
        return row;
    }

    private static float[] Fill(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < values.Length; i++) values[i] = (float)random.NextDouble() - 0.5f;
        return values;
    }


    public static List<Row> Measure(int passes, string? filter = null)
    {
        string dir = DataSet("mnist");
        var ml = new MLContext(seed: 0);
        IDataView train = ml.Data.LoadFromIdx(Path.Combine(dir, "train-images-idx3-ubyte.gz"), Path.Combine(dir, "train-labels-idx1-ubyte.gz"));
        var testSet = MnistDataset.Load(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
        IDataView test = testSet.ToDataView();
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions
            {
                HiddenLayers = [128], Optimizer = new AdamOptimizer(), LearningRate = 1e-3f, BatchSize = 64, NumberOfEpochs = 1, Seed = 0,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        Console.WriteLine("Training the 784-128-10 model (1 epoch) ...");
        var model = pipeline.Fit(train);
        ITransformer mlpOnly = model.Cast<ITransformer>().ElementAt(1);

        var inputs = new Input[testSet.Count];
        for (int i = 0; i < inputs.Length; i++)
            inputs[i] = new Input { Features = testSet.GetImage(i).ToArray(), Label = testSet.Labels.Span[i] };

        string zip = Path.Combine(Path.GetTempPath(), $"mlnet-mlp-bench-{Environment.ProcessId}.zip");
        ml.Model.Save(model, train.Schema, zip);
        // Two loads: disposing a PredictionEngine over the ONNX-backed chain disposes its ONNX Runtime session.
        ITransformer loaded = ml.Model.Load(zip, out _);
        ITransformer loadedForEngine = ml.Model.Load(zip, out _);
        // One LoadMlp model for both measurements: the engine's disposal leaves it working.
        ITransformer native = ml.Model.LoadMlp(zip, out _);
        File.Delete(zip);

        var measurements = new (string Label, Func<string, Row> Measure)[]
        {
            ("PredictionEngine, one row at a time (MapValueToKey → Mlp → MapKeyToValue)", label => Engine<ChainOutput>(ml, model, inputs, passes, label, 3)),
            ("PredictionEngine, one row at a time (the Mlp transformer alone)", label => Engine<MlpOutput>(ml, mlpOnly, inputs, passes, label, 3)),
            ("model.Transform(test) enumerated (Score + PredictedLabel)", label => Transform(model, test, passes, label, 1.2)),
            ("Mlp transformer alone: Transform(test) enumerated", label => Transform(mlpOnly, test, passes, label, 1.2)),
            ("Model after ml.Model.LoadMlp: PredictionEngine", label => Engine<ChainOutput>(ml, native, inputs, passes, label, 3)),
            ("Model after ml.Model.LoadMlp: Transform(test) enumerated", label => Transform(native, test, passes, label, 1.2)),
            ("ONNX-backed model after ml.Model.Load: PredictionEngine", label => Engine<ChainOutput>(ml, loadedForEngine, inputs, passes, label, 2)),
            ("ONNX-backed model after ml.Model.Load: Transform(test) enumerated", label => Transform(loaded, test, passes, label, 0)),
        };
        var result = new List<Row>();
        foreach (var (label, measure) in measurements)
            if (filter == null || label.Contains(filter, StringComparison.OrdinalIgnoreCase)) result.Add(measure(label));
        return result;
    }

    private static Row Engine<TOut>(MLContext ml, ITransformer model, Input[] inputs, int passes, string label, double targetRatio)
        where TOut : class, new()
    {
        using var engine = ml.Model.CreatePredictionEngine<Input, TOut>(model);
        var output = new TOut();
        var rates = new List<double>();
        WarmUp(() => { foreach (var input in inputs) engine.Predict(input, ref output); });
        var cpuRates = new List<double>();
        for (int pass = 0; pass < passes; pass++)
        {
            var clock = Stopwatch.StartNew();
            double cpu = ThreadCpuClock.Seconds();
            foreach (var input in inputs) engine.Predict(input, ref output);
            cpuRates.Add(inputs.Length / (ThreadCpuClock.Seconds() - cpu));
            rates.Add(inputs.Length / clock.Elapsed.TotalSeconds);
        }
        // PredictionEngine runs on this thread alone: its CPU-time rate shows what a busy host hides.
        Console.WriteLine($"  ({label}: by thread CPU time best {F(cpuRates.Max(), "N0")} rows/s, median {F(Median(cpuRates), "N0")})");
        return Report(label, rates, "batch1", targetRatio);
    }

    private static Row Transform(ITransformer model, IDataView test, int passes, string label, double targetRatio)
    {
        var rates = new List<double>();
        long checksum = 0;
        WarmUp(() => checksum += Enumerate(model, test).Checksum);
        for (int pass = 0; pass < passes; pass++)
        {
            var clock = Stopwatch.StartNew();
            (long rows, long sum) = Enumerate(model, test);
            checksum += sum;
            rates.Add(rows / clock.Elapsed.TotalSeconds);
        }
        GC.KeepAlive(checksum);
        return Report(label, rates, "fullBatch", targetRatio);
    }

    // The JIT promotes hot code to optimized tiers only once new methods stop appearing for a while, and ML.NET's
    // cursors are delegate-heavy: a single warm-up pass of 10k rows (15 ms) measured tier-0 code for several passes.
    // Timed pass by pass, the whole chain's Transform settles only after about 2 s (12 ms passes, then 20–60 ms
    // while the background JIT recompiles, then 9 ms); after 1.5 s the first measured passes still ran at 0.5M rows/s.
    private static void WarmUp(Action pass)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 3 || clock.Elapsed.TotalSeconds < 3; i++) pass();
    }

    private static (long Rows, long Checksum) Enumerate(ITransformer model, IDataView test)
    {
        long checksum = 0, rows = 0;
        var scored = model.Transform(test);
        var score = scored.Schema["Score"];
        var predicted = scored.Schema["PredictedLabel"];
        using var cursor = scored.GetRowCursor([score, predicted]);
        var getScore = cursor.GetGetter<VBuffer<float>>(score);
        VBuffer<float> s = default;
        if (predicted.Type is KeyDataViewType)
        {
            var getKey = cursor.GetGetter<uint>(predicted);
            uint key = 0;
            while (cursor.MoveNext()) { getScore(ref s); getKey(ref key); checksum += key; rows++; }
        }
        else
        {
            var getValue = cursor.GetGetter<float>(predicted);
            float value = 0;
            while (cursor.MoveNext()) { getScore(ref s); getValue(ref value); checksum += (long)value; rows++; }
        }
        return (rows, checksum);
    }

    private static Row Report(string label, List<double> rates, string peer, double targetRatio)
    {
        string target = targetRatio == 0 ? "" : $"≥ {F(targetRatio, "0.0")}× PyTorch {(peer == "batch1" ? "batch 1" : "one batch")}";
        var row = new Row { Path = label, BestRowsPerSecond = rates.Max(), MedianRowsPerSecond = Median(rates), Target = target, Peer = peer, TargetRatio = targetRatio };
        Console.WriteLine($"  {label}: best {F(row.BestRowsPerSecond, "N0")} rows/s, median {F(row.MedianRowsPerSecond, "N0")}");
        return row;
    }

    /// <summary>The table; with <paramref name="torch"/> (the peer's RESULT info), each row's ratio to the PyTorch path it is compared with.</summary>
    public static string Table(List<Row> rows, Dictionary<string, string>? torch = null)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| path (10,000 MNIST test rows, 784-128-10) | best rows/s | median rows/s | best / PyTorch best | median / PyTorch median | target |");
        sb.AppendLine("|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            string best = "", median = "", met = "";
            if (torch != null && r.Peer.Length > 0
                && double.TryParse(torch.GetValueOrDefault(r.Peer + "RowsPerSecondBest"), System.Globalization.CultureInfo.InvariantCulture, out double peerBest)
                && double.TryParse(torch.GetValueOrDefault(r.Peer + "RowsPerSecondMedian"), System.Globalization.CultureInfo.InvariantCulture, out double peerMedian))
            {
                double ratio = r.BestRowsPerSecond / peerBest;
                best = F(ratio, "0.00") + "×";
                median = F(r.MedianRowsPerSecond / peerMedian, "0.00") + "×";
                if (r.TargetRatio > 0) met = ratio >= r.TargetRatio ? " ✓" : " ✗";
            }
            string format = r.Peer.Length == 0 ? "F1" : "N0";
            sb.AppendLine($"| {r.Path} | {F(r.BestRowsPerSecond, format)} | {F(r.MedianRowsPerSecond, format)} | {best} | {median} | {r.Target}{met} |");
        }
        if (torch != null && torch.TryGetValue("batch1RowsPerSecondBest", out string? b1))
        {
            sb.AppendLine($"| PyTorch {torch.GetValueOrDefault("torch")}, batch 1 under inference_mode (peer) | {b1} | {torch.GetValueOrDefault("batch1RowsPerSecondMedian")} | | | |");
            sb.AppendLine($"| PyTorch, the whole test set as one batch (peer) | {torch.GetValueOrDefault("fullBatchRowsPerSecondBest")} | {torch.GetValueOrDefault("fullBatchRowsPerSecondMedian")} | | | |");
        }
        return sb.ToString();
    }
}
