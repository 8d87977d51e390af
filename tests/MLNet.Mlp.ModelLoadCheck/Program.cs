using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

// Usage: MLNet.Mlp.ModelLoadCheck <multiclass|binary|regression> <model.zip> <data.idv> <report.txt>
//    or: MLNet.Mlp.ModelLoadCheck pipelines <manifest.txt>
// Loads the model with a fresh MLContext (no registration), scores the data, evaluates, runs a PredictionEngine and,
// for multiclass, MapKeyToValue("PredictedLabel"); writes everything to a line-based report the test parses.
// The "pipelines" form checks several whole pipelines in one process (each manifest line: model.zip TAB data.idv TAB
// report.txt) and writes MLNet.Mlp.ModelLoadCheck.ModelReport's report for each.
//    or: MLNet.Mlp.ModelLoadCheck serve <binary-model.zip> <data.idv> <report.txt>
// The "serve" form loads with mlContext.Model.LoadMlp and, three times, makes a PredictionEngine that owns the model,
// scores every row and disposes it (what a server does per request scope); it reports the MLP stage's type and each
// round's scores.
if (args.Length == 4 && args[0] == "serve")
{
    var context = new MLContext(seed: 0);
    var loaded = context.Model.LoadMlp(args[1], out var loadedSchema);
    var lines = new List<string> { $"type\t{string.Join(",", Stages(loaded).Select(t => t.GetType().Name))}" };
    var rows = context.Data.LoadFromBinary(args[2]).GetColumn<float[]>("Features").ToArray();
    var definition = SchemaDefinition.Create(typeof(FeatureRow));
    definition[nameof(FeatureRow.Features)].ColumnType = loadedSchema["Features"].Type;
    for (int round = 0; round < 3; round++)
    {
        using var engine = context.Model.CreatePredictionEngine<FeatureRow, BinaryOut>(loaded, ignoreMissingColumns: true, inputSchemaDefinition: definition);
        lines.Add($"round\t{round}\t{string.Join(" ", rows.Select(f => engine.Predict(new FeatureRow { Features = f }).Score.ToString("R", CultureInfo.InvariantCulture)))}");
    }
    File.WriteAllLines(args[3], lines);
    return 0;
}

if (args.Length == 2 && args[0] == "pipelines")
{
    foreach (string line in File.ReadAllLines(args[1]).Where(l => l.Length > 0))
    {
        var parts = line.Split('\t');
        var context = new MLContext(seed: 0);
        var loaded = context.Model.Load(parts[0], out _);
        var input = context.Data.LoadFromBinary(parts[1]);
        File.WriteAllLines(parts[2], MLNet.Mlp.ModelLoadCheck.ModelReport.Build(context, loaded, input));
    }
    return 0;
}

if (args.Length != 4)
{
    Console.Error.WriteLine("usage: MLNet.Mlp.ModelLoadCheck <multiclass|binary|regression> <model.zip> <data.idv> <report.txt>");
    return 2;
}

string head = args[0];
var ml = new MLContext(seed: 0);
var model = ml.Model.Load(args[1], out var inputSchema);
var data = ml.Data.LoadFromBinary(args[2]);
var scored = model.Transform(data);
var report = new List<string>();
var inv = CultureInfo.InvariantCulture;
string F(float v) => v.ToString("R", inv);
string Fs(IEnumerable<float> v) => string.Join(" ", v.Select(F));

foreach (var column in scored.Schema.Where(c => !c.IsHidden))
    report.Add($"column\t{column.Name}\t{column.Type}\t{string.Join(",", column.Annotations.Schema.Select(a => a.Name))}");

int featureCount = ((VectorDataViewType)inputSchema["Features"].Type).Size;
var features = data.GetColumn<float[]>("Features").ToArray();
var engineInput = SchemaDefinition.Create(typeof(FeatureRow));
engineInput[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);

switch (head)
{
    case "multiclass":
    {
        foreach (var s in scored.GetColumn<float[]>("Score"))
            report.Add($"score\t{Fs(s)}");
        foreach (var k in scored.GetColumn<uint>("PredictedLabel"))
            report.Add($"label\t{k}");
        var m = ml.MulticlassClassification.Evaluate(scored);
        report.Add($"metric\tMicroAccuracy\t{m.MicroAccuracy.ToString("R", inv)}");
        report.Add($"metric\tMacroAccuracy\t{m.MacroAccuracy.ToString("R", inv)}");
        report.Add($"metric\tLogLoss\t{m.LogLoss.ToString("R", inv)}");
        var values = ml.Transforms.Conversion.MapKeyToValue("PredictedValue", "PredictedLabel").Fit(scored).Transform(scored);
        foreach (var v in values.GetColumn<string>("PredictedValue"))
            report.Add($"value\t{v}");
        var engine = ml.Model.CreatePredictionEngine<FeatureRow, MulticlassOut>(model, ignoreMissingColumns: true, inputSchemaDefinition: engineInput);
        foreach (var f in features)
        {
            var p = engine.Predict(new FeatureRow { Features = f });
            report.Add($"engine\t{p.PredictedLabel}\t{Fs(p.Score)}");
        }
        break;
    }
    case "binary":
    {
        var scores = scored.GetColumn<float>("Score").ToArray();
        var probabilities = scored.GetColumn<float>("Probability").ToArray();
        var labels = scored.GetColumn<bool>("PredictedLabel").ToArray();
        for (int i = 0; i < scores.Length; i++)
            report.Add($"binary\t{F(scores[i])}\t{F(probabilities[i])}\t{labels[i]}");
        var m = ml.BinaryClassification.Evaluate(scored);
        report.Add($"metric\tAccuracy\t{m.Accuracy.ToString("R", inv)}");
        report.Add($"metric\tAreaUnderRocCurve\t{m.AreaUnderRocCurve.ToString("R", inv)}");
        report.Add($"metric\tLogLoss\t{m.LogLoss.ToString("R", inv)}");
        var engine = ml.Model.CreatePredictionEngine<FeatureRow, BinaryOut>(model, ignoreMissingColumns: true, inputSchemaDefinition: engineInput);
        foreach (var f in features)
        {
            var p = engine.Predict(new FeatureRow { Features = f });
            report.Add($"engine\t{F(p.Score)}\t{F(p.Probability)}\t{p.PredictedLabel}");
        }
        break;
    }
    case "regression":
    {
        bool vector = scored.Schema["Score"].Type is VectorDataViewType;
        if (vector)
        {
            foreach (var s in scored.GetColumn<float[]>("Score"))
                report.Add($"score\t{Fs(s)}");
        }
        else
        {
            foreach (var s in scored.GetColumn<float>("Score"))
                report.Add($"score\t{F(s)}");
            var m = ml.Regression.Evaluate(scored);
            report.Add($"metric\tMeanAbsoluteError\t{m.MeanAbsoluteError.ToString("R", inv)}");
            report.Add($"metric\tRootMeanSquaredError\t{m.RootMeanSquaredError.ToString("R", inv)}");
            report.Add($"metric\tRSquared\t{m.RSquared.ToString("R", inv)}");
            var engine = ml.Model.CreatePredictionEngine<FeatureRow, RegressionOut>(model, ignoreMissingColumns: true, inputSchemaDefinition: engineInput);
            foreach (var f in features)
                report.Add($"engine\t{F(engine.Predict(new FeatureRow { Features = f }).Score)}");
        }
        break;
    }
    default:
        Console.Error.WriteLine($"unknown head {head}");
        return 2;
}

File.WriteAllLines(args[3], report);
return 0;

// The leaves of a (nested) transformer chain, in order.
static IEnumerable<ITransformer> Stages(ITransformer model) =>
    model is IEnumerable<ITransformer> chain ? chain.SelectMany(Stages) : [model];

/// <summary>PredictionEngine input: just the features (the vector size comes from a schema definition).</summary>
internal sealed class FeatureRow
{
    public float[] Features { get; set; } = [];
}

/// <summary>PredictionEngine output of a multiclass model.</summary>
internal sealed class MulticlassOut
{
    public float[] Score { get; set; } = [];

    public uint PredictedLabel { get; set; }
}

/// <summary>PredictionEngine output of a binary model.</summary>
internal sealed class BinaryOut
{
    public float Score { get; set; }

    public float Probability { get; set; }

    public bool PredictedLabel { get; set; }
}

/// <summary>PredictionEngine output of a regression model.</summary>
internal sealed class RegressionOut
{
    public float Score { get; set; }
}
