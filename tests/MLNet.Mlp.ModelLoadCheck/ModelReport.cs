using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.ModelLoadCheck;

/// <summary>
/// A line-based report of what a fitted pipeline (trainer plus any transforms before and after it) produces on some
/// data: the visible output columns, every prediction value, the ML.NET evaluator's metrics and a PredictionEngine's
/// answers. The child process writes it for the loaded model; the tests build the same report for the in-memory model
/// (this file is linked into the test project) and compare the two line by line.
/// </summary>
/// <remarks>
/// Line formats (tab-separated): <c>column name type</c>; <c>Score|Probability|PredictedLabel row value</c> (vectors
/// space-separated); <c>metric name value</c>; <c>engine row score label</c>. The task is read from the output schema:
/// a Probability column means binary; a vector Score with a PredictedLabel means multiclass; otherwise regression.
/// The data must hold the model's input columns <c>Features</c> and <c>Label</c> (the label in its raw type).
/// </remarks>
internal static class ModelReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static List<string> Build(MLContext ml, ITransformer model, IDataView data)
    {
        var report = new List<string>();
        var scored = model.Transform(data);
        foreach (var column in scored.Schema.Where(c => !c.IsHidden))
            report.Add($"column\t{column.Name}\t{column.Type}");
        foreach (string name in new[] { "Score", "Probability", "PredictedLabel" })
        {
            if (scored.Schema.GetColumnOrNull(name) is not { } column) continue;
            int row = 0;
            foreach (string value in Values(scored, column))
                report.Add($"{name}\t{row++}\t{value}");
        }

        bool binary = scored.Schema.GetColumnOrNull("Probability") != null;
        bool multiclass = !binary && scored.Schema["Score"].Type is VectorDataViewType && scored.Schema.GetColumnOrNull("PredictedLabel") != null;
        if (binary)
        {
            var m = ml.BinaryClassification.Evaluate(scored);
            Metric(report, "Accuracy", m.Accuracy);
            Metric(report, "AreaUnderRocCurve", m.AreaUnderRocCurve);
            Metric(report, "F1Score", m.F1Score);
            Metric(report, "LogLoss", m.LogLoss);
        }
        else if (multiclass)
        {
            var m = ml.MulticlassClassification.Evaluate(KeyStage(model, data));
            Metric(report, "MicroAccuracy", m.MicroAccuracy);
            Metric(report, "MacroAccuracy", m.MacroAccuracy);
            Metric(report, "LogLoss", m.LogLoss);
        }
        else if (scored.Schema["Score"].Type == NumberDataViewType.Single)
        {
            var m = ml.Regression.Evaluate(scored);
            Metric(report, "MeanAbsoluteError", m.MeanAbsoluteError);
            Metric(report, "RootMeanSquaredError", m.RootMeanSquaredError);
            Metric(report, "RSquared", m.RSquared);
        }

        var labelType = data.Schema["Label"].Type;
        var labelClr = labelType is VectorDataViewType ? typeof(float[]) : labelType.RawType;
        var scoreClr = scored.Schema["Score"].Type is VectorDataViewType ? typeof(float[]) : typeof(float);
        var predicted = scored.Schema.GetColumnOrNull("PredictedLabel")?.Type;
        var predictedClr = predicted is KeyDataViewType ? typeof(uint) : predicted?.RawType == typeof(ReadOnlyMemory<char>) ? typeof(string) : predicted?.RawType;
        var method = predictedClr is null
            ? typeof(ModelReport).GetMethod(nameof(EngineScoreOnly), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.MakeGenericMethod(labelClr, scoreClr)
            : typeof(ModelReport).GetMethod(nameof(Engine), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.MakeGenericMethod(labelClr, scoreClr, predictedClr);
        try
        {
            method.Invoke(null, [ml, model, data, report]);
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
        return report;
    }

    /// <summary>Applies the pipeline step by step and returns the last output whose PredictedLabel is still a key
    /// (before a final MapKeyToValue), which is what the multiclass evaluator needs.</summary>
    public static IDataView KeyStage(ITransformer model, IDataView data)
    {
        if (model is not IEnumerable<ITransformer> chain)
            return model.Transform(data);
        IDataView current = data, best = model.Transform(data);
        foreach (var step in chain)
        {
            current = step.Transform(current);
            if (current.Schema.GetColumnOrNull("PredictedLabel") is { Type: KeyDataViewType })
                best = current;
        }
        return best;
    }

    private static void Metric(List<string> report, string name, double value) => report.Add($"metric\t{name}\t{value.ToString("R", Inv)}");

    private static IEnumerable<string> Values(IDataView view, DataViewSchema.Column column)
    {
        var type = column.Type;
        if (type is VectorDataViewType { ItemType: var item } && item == NumberDataViewType.Single)
            return view.GetColumn<float[]>(column.Name).Select(v => Format(v));
        if (type == NumberDataViewType.Single)
            return view.GetColumn<float>(column.Name).Select(v => Format(v));
        if (type == BooleanDataViewType.Instance)
            return view.GetColumn<bool>(column.Name).Select(v => Format(v));
        if (type is KeyDataViewType)
            return view.GetColumn<uint>(column.Name).Select(v => Format(v));
        if (type is TextDataViewType)
            return view.GetColumn<string>(column.Name).Select(v => Format(v));
        throw new NotSupportedException($"Column {column.Name} of type {type} is not reported.");
    }

    public static string Format(object? value) => value switch
    {
        float f => f.ToString("R", Inv),
        float[] v => string.Join(" ", v.Select(x => x.ToString("R", Inv))),
        bool b => b ? "True" : "False",
        null => "",
        IFormattable x => x.ToString(null, Inv),
        _ => value.ToString() ?? "",
    };

    private static SchemaDefinition InputDefinition<TLabel>(IDataView data)
    {
        var definition = SchemaDefinition.Create(typeof(EngineInput<TLabel>));
        definition[nameof(EngineInput<TLabel>.Features)].ColumnType = data.Schema["Features"].Type;
        definition[nameof(EngineInput<TLabel>.Label)].ColumnType = data.Schema["Label"].Type;
        return definition;
    }

    private static SchemaDefinition? OutputDefinition<TOut>(ITransformer model, IDataView data)
    {
        var definition = SchemaDefinition.Create(typeof(TOut));
        var schema = model.GetOutputSchema(data.Schema);
        foreach (var column in definition)
            if (schema.GetColumnOrNull(column.ColumnName) is { Type: VectorDataViewType vector })
                column.ColumnType = vector;
        return definition;
    }

    private static IEnumerable<EngineInput<TLabel>> Inputs<TLabel>(MLContext ml, IDataView data)
        => ml.Data.CreateEnumerable<EngineInput<TLabel>>(data, reuseRowObject: false, ignoreMissingColumns: true, schemaDefinition: InputDefinition<TLabel>(data));

    private static void Engine<TLabel, TScore, TPredicted>(MLContext ml, ITransformer model, IDataView data, List<string> report)
    {
        var engine = ml.Model.CreatePredictionEngine<EngineInput<TLabel>, EngineOutput<TScore, TPredicted>>(model, ignoreMissingColumns: true,
            inputSchemaDefinition: InputDefinition<TLabel>(data), outputSchemaDefinition: OutputDefinition<EngineOutput<TScore, TPredicted>>(model, data));
        int row = 0;
        foreach (var input in Inputs<TLabel>(ml, data))
        {
            var p = engine.Predict(input);
            report.Add($"engine\t{row++}\t{Format(p.Score)}\t{Format(p.PredictedLabel)}");
        }
    }

    private static void EngineScoreOnly<TLabel, TScore>(MLContext ml, ITransformer model, IDataView data, List<string> report)
    {
        var engine = ml.Model.CreatePredictionEngine<EngineInput<TLabel>, EngineScore<TScore>>(model, ignoreMissingColumns: true,
            inputSchemaDefinition: InputDefinition<TLabel>(data), outputSchemaDefinition: OutputDefinition<EngineScore<TScore>>(model, data));
        int row = 0;
        foreach (var input in Inputs<TLabel>(ml, data))
            report.Add($"engine\t{row++}\t{Format(engine.Predict(input).Score)}\t");
    }

    /// <summary>PredictionEngine input: the raw features and label (sizes from a schema definition).</summary>
    internal sealed class EngineInput<TLabel>
    {
        public float[] Features { get; set; } = [];

        public TLabel Label { get; set; } = default!;
    }

    /// <summary>PredictionEngine output with a predicted label of any type.</summary>
    internal sealed class EngineOutput<TScore, TPredicted>
    {
        public TScore Score { get; set; } = default!;

        public TPredicted PredictedLabel { get; set; } = default!;
    }

    /// <summary>PredictionEngine output of a regression model.</summary>
    internal sealed class EngineScore<TScore>
    {
        public TScore Score { get; set; } = default!;
    }
}
