using System.Text.RegularExpressions;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Tests.Compatibility;
using MLNet.Mlp.Trainers;
using static MLNet.Mlp.Benchmarks.BenchEnvironment;

namespace MLNet.Mlp.Benchmarks;

/// <summary>
/// Writes the values the compatibility tests (tests/MLNet.Mlp.Tests/Compatibility) compare against: <c>golden</c> the
/// golden model files, <c>hashes</c> the table of parameter hashes. Both record the instruction set of the running
/// process: run them once normally, once with <c>DOTNET_EnableAVX512=0</c> and once with <c>DOTNET_EnableAVX2=0</c>
/// (.NET 10 ignores the older <c>DOTNET_EnableAVX512F</c>).
/// </summary>
internal static partial class GoldenCommand
{
    private static CompatibilityData Data => new(Path.Combine(RepositoryRoot, "samples", "data"));

    /// <summary>
    /// <c>golden &lt;outdir&gt; [--retrain]</c>: without model files in <c>outdir</c> (or with --retrain), trains the three golden
    /// pipelines and writes &lt;task&gt;.zip, &lt;task&gt;.mlpckpt and &lt;task&gt;.expected.json. With them, checks that the
    /// stock-load outputs and the checkpoint are unchanged and adds this instruction set's engine outputs and resumed hash.
    /// </summary>
    public static int Golden(string[] args)
    {
        if (args.Length < 1 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("usage: golden <outdir> [--retrain]");
            return 2;
        }
        string dir = Path.GetFullPath(args[0]);
        bool retrain = args.Contains("--retrain");
        Directory.CreateDirectory(dir);
        var data = Data;
        string isa = BitHash.Isa;
        Console.WriteLine($"golden: {dir}, instruction set {isa}, ML.NET {MlNetVersion()}");
        foreach (var task in GoldenTask.All)
        {
            string zip = Path.Combine(dir, task.ZipFile), checkpoint = Path.Combine(dir, task.CheckpointFile), json = Path.Combine(dir, task.ExpectedFile);
            GoldenExpected expected;
            if (retrain || !File.Exists(zip) || !File.Exists(checkpoint) || !File.Exists(json))
            {
                expected = Train(task, data, zip, checkpoint, isa);
                Console.WriteLine($"  {task.Name}: trained {task.Epochs} epochs under {isa}: {expected.Checkpoint.Architecture}, parameters {expected.Checkpoint.ParameterHash}");
            }
            else
            {
                expected = GoldenExpected.Read(json);
                Verify(task, expected, zip, checkpoint);
                Console.WriteLine($"  {task.Name}: files of {expected.TrainedUnder} unchanged; stock-load outputs identical under {isa}");
            }

            if (expected.RecordedOn.Length == 0) expected.RecordedOn = $"{CpuModel()} ({CpuFlags()})";
            var loadedCheckpoint = MlpModelParameters.Load(checkpoint);
            var inputs = expected.StockLoad["Features"].Select(BitHash.FromHex).ToArray();
            expected.Engine[isa] = GoldenOutputs.EngineOutputs(loadedCheckpoint, inputs);
            var ml = new MLContext(seed: 0);
            var resumed = task.Resume(ml, ml.Model.Load(zip, out _), data, MlpModelParameters.Load(checkpoint));
            expected.ResumedParameterHash[isa] = BitHash.OfNetwork(resumed.CopyNetwork());
            // A second resume must agree: the recorded hash is a property of the code, not of this run.
            var again = task.Resume(ml, ml.Model.Load(zip, out _), data, MlpModelParameters.Load(checkpoint));
            if (BitHash.OfNetwork(again.CopyNetwork()) != expected.ResumedParameterHash[isa])
                throw new InvalidOperationException($"{task.Name}: resuming the checkpoint twice gave different weights.");
            expected.Write(json);
            Console.WriteLine($"  {task.Name}: {isa} engine outputs recorded; resumed {GoldenTask.ResumeEpochs} epochs -> {expected.ResumedParameterHash[isa]}");
        }
        return 0;
    }

    private static GoldenExpected Train(GoldenTask task, CompatibilityData data, string zip, string checkpoint, string isa)
    {
        var ml = new MLContext(seed: 0);
        var table = task.LoadTable(ml, data);
        var model = task.Pipeline(ml).Fit(table);
        ml.Model.Save(model, table.Schema, zip);
        var mlp = ((IEnumerable<ITransformer>)model).OfType<MlpPredictionTransformer>().Single();
        mlp.Model.Save(checkpoint);

        // The recorded rows: this parser's floats, checked against ML.NET's text loader (what the training saw).
        var parsed = data.Tabular(task.CsvFile);
        var loaded = table.GetColumn<float[]>("Features").ToArray();
        var rows = GoldenTask.RecordedRows(parsed.Rows).Select(r =>
        {
            var features = parsed.Features.AsSpan(r * parsed.FeatureCount, parsed.FeatureCount).ToArray();
            if (BitHash.Hex(features) != BitHash.Hex(loaded[r]))
                throw new InvalidOperationException($"{task.CsvFile} row {r}: the text loader and the CSV parser disagree.");
            return new GoldenRow { Index = r, Features = BitHash.Hex(features), Label = BitHash.Hex(parsed.Labels[r]) };
        }).ToList();

        var expected = new GoldenExpected
        {
            About = $"Written by `dotnet tests/MLNet.Mlp.Benchmarks/bin/Release/net10.0/MLNet.Mlp.Benchmarks.dll golden tests/MLNet.Mlp.Tests/Golden/v1` "
                + "(see README.md here); checked by tests/MLNet.Mlp.Tests/Compatibility/GoldenModelTests.cs. Floats are exact bits (hex of BitConverter.SingleToInt32Bits).",
            Task = task.Name,
            MlNetVersion = MlNetVersion(),
            TrainedUnder = isa,
            ZipSha256 = GoldenOutputs.Sha256(zip),
            CheckpointSha256 = GoldenOutputs.Sha256(checkpoint),
            Rows = rows,
            Checkpoint = GoldenCheckpoint.Of(MlpModelParameters.Load(checkpoint)),
        };
        if (expected.Checkpoint.ParameterHash != BitHash.OfNetwork(mlp.Model.CopyNetwork()))
            throw new InvalidOperationException($"{task.Name}: the checkpoint does not hold the trained weights.");

        // What a user gets from the saved file: a fresh context, stock Model.Load.
        var fresh = new MLContext();
        var scored = fresh.Model.Load(zip, out _).Transform(task.RecordedInput(fresh, expected));
        expected.Columns = GoldenOutputs.Columns(scored.Schema);
        expected.StockLoad = GoldenOutputs.Values(scored);
        return expected;
    }

    private static void Verify(GoldenTask task, GoldenExpected expected, string zip, string checkpoint)
    {
        if (GoldenOutputs.Sha256(zip) != expected.ZipSha256 || GoldenOutputs.Sha256(checkpoint) != expected.CheckpointSha256)
            throw new InvalidOperationException($"{task.Name}: the model files differ from the ones {task.ExpectedFile} describes; regenerate all with --retrain.");
        if (GoldenCheckpoint.Of(MlpModelParameters.Load(checkpoint)).ParameterHash != expected.Checkpoint.ParameterHash)
            throw new InvalidOperationException($"{task.Name}: the checkpoint loads other parameters than recorded.");
        var fresh = new MLContext();
        var scored = fresh.Model.Load(zip, out _).Transform(task.RecordedInput(fresh, expected));
        var values = GoldenOutputs.Values(scored);
        foreach (var (column, recorded) in expected.StockLoad)
            if (!values[column].SequenceEqual(recorded))
                throw new InvalidOperationException($"{task.Name}: stock-load column {column} differs under {BitHash.Isa} from the recorded values.");
    }

    /// <summary>
    /// <c>hashes [--update &lt;ParameterHashTests.cs&gt;] [--filter TEXT]</c>: trains every parameter-hash case (twice, to
    /// make sure the run is deterministic), prints its hash, and with --update writes this instruction set's column of the
    /// recorded table between the <c>// &lt;recorded-hashes&gt;</c> markers of the test source.
    /// </summary>
    public static int Hashes(string[] args)
    {
        var data = Data;
        string isa = BitHash.Isa;
        string? filter = StringOption(args, "--filter");
        string? update = StringOption(args, "--update");
        int column = Array.IndexOf(BitHash.RecordedIsas, isa);
        if (update != null && column < 0)
            throw new InvalidOperationException($"Instruction set {isa} has no column in the recorded table.");
        Console.WriteLine($"hashes: instruction set {isa}, {Environment.ProcessorCount} cores");
        var results = new Dictionary<string, string>();
        foreach (var c in ParameterHashCases.All.Where(c => filter == null || c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            string first = BitHash.OfNetwork(c.Run(data));
            double seconds = clock.Elapsed.TotalSeconds;
            string second = BitHash.OfNetwork(c.Run(data));
            if (first != second) throw new InvalidOperationException($"{c.Name}: two runs gave {first} and {second}.");
            results[c.Name] = first;
            Console.WriteLine($"  {first}  {F(seconds, "F2"),6} s  {c.Name}");
        }
        if (update == null) return 0;

        string source = File.ReadAllText(update);
        var table = RecordedTable.Parse(source);
        foreach (var c in ParameterHashCases.All)
        {
            if (!table.TryGetValue(c.Name, out var row)) table[c.Name] = row = new string?[BitHash.RecordedIsas.Length];
            if (results.TryGetValue(c.Name, out var hash)) row[column] = hash;
        }
        foreach (var stale in table.Keys.Where(k => ParameterHashCases.All.All(c => c.Name != k)).ToList()) table.Remove(stale);
        File.WriteAllText(update, RecordedTable.Replace(source, ParameterHashCases.All.Select(c => (c.Name, table[c.Name]))));
        Console.WriteLine($"Updated the {isa} column of {update}.");
        return 0;
    }

    /// <summary>The table between the markers: one <c>new("name", "avx512", "avx2", "v128"),</c> line per case (null when not recorded).</summary>
    private static partial class RecordedTable
    {
        private const string Begin = "// <recorded-hashes>", End = "// </recorded-hashes>";

        [GeneratedRegex("""^\s*new\("(?<name>[^"]*)",\s*(?<a>null|"[0-9A-F]{16}"),\s*(?<b>null|"[0-9A-F]{16}"),\s*(?<c>null|"[0-9A-F]{16}")\),\s*$""")]
        private static partial Regex Row();

        public static Dictionary<string, string?[]> Parse(string source)
        {
            var table = new Dictionary<string, string?[]>();
            foreach (string line in Between(source).Split('\n'))
            {
                var m = Row().Match(line.TrimEnd('\r'));
                if (!m.Success) continue;
                table[m.Groups["name"].Value] = [Value(m.Groups["a"].Value), Value(m.Groups["b"].Value), Value(m.Groups["c"].Value)];
            }
            return table;
        }

        public static string Replace(string source, IEnumerable<(string Name, string?[] Hashes)> rows)
        {
            int begin = source.IndexOf(Begin, StringComparison.Ordinal), end = source.IndexOf(End, StringComparison.Ordinal);
            int lineStart = source.LastIndexOf('\n', begin) + 1;
            string indent = source[lineStart..begin];
            int bodyStart = source.IndexOf('\n', begin) + 1;
            int bodyEnd = source.LastIndexOf('\n', end) + 1;
            var list = rows.ToList();
            int width = list.Max(r => r.Name.Length) + 4;
            var body = new System.Text.StringBuilder();
            body.Append(indent).Append("private static readonly RecordedHash[] Recorded =\n");
            body.Append(indent).Append("[\n");
            body.Append(indent).Append("    // ").Append("case".PadRight(width - 3)).Append(string.Join("", BitHash.RecordedIsas.Select(i => i.PadRight(20))).TrimEnd()).Append('\n');
            foreach (var (name, hashes) in list)
            {
                body.Append(indent).Append("    new(").Append(("\"" + name + "\",").PadRight(width));
                body.Append(string.Join(" ", hashes.Select((h, i) => (h is null ? "null" : "\"" + h + "\"") + (i < hashes.Length - 1 ? "," : ""))));
                body.Append("),\n");
            }
            body.Append(indent).Append("];\n");
            return source[..bodyStart] + body + source[bodyEnd..];
        }

        private static string Between(string source)
        {
            int begin = source.IndexOf(Begin, StringComparison.Ordinal), end = source.IndexOf(End, StringComparison.Ordinal);
            if (begin < 0 || end < begin) throw new InvalidOperationException($"The source has no {Begin} ... {End} block.");
            return source[begin..end];
        }

        private static string? Value(string text) => text == "null" ? null : text.Trim('"');
    }
}
