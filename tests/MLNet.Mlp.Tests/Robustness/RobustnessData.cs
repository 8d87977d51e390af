using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Mlp.Tests.Robustness;

/// <summary>Row types and helpers shared by the robustness tests.</summary>
internal static class RobustnessData
{
    public sealed class TextFeatureRow
    {
        public string Features { get; set; } = "";
        public bool Label { get; set; }
    }

    public sealed class ScalarFeatureRow
    {
        public float Features { get; set; }
        public bool Label { get; set; }
    }

    /// <summary>No [VectorType]: ML.NET types the column as a variable-length vector.</summary>
    public sealed class VariableLengthRow
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    public sealed class KeyRow
    {
        public float Value { get; set; }
    }

    /// <summary>Wide, noisy, many-row multiclass data: big enough that an epoch has many batches.</summary>
    public sealed class WideRow
    {
        [VectorType(32)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    public static WideRow[] Wide(int rows, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ =>
        {
            var x = Enumerable.Range(0, 32).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            return new WideRow { Features = x, Label = x[0] + x[1] > 0.5f ? 2 : x[0] - x[3] > 0 ? 1 : 0 };
        }).ToArray();
    }

    /// <summary>Keys the Single label "Label" with the classes {0, 1, 2} in that order.</summary>
    public static IDataView KeyedWithThreeClasses(MLContext ml, IDataView raw)
    {
        var known = ml.Data.LoadFromEnumerable(new[] { 0f, 1f, 2f }.Select(v => new KeyRow { Value = v }));
        return ml.Transforms.Conversion.MapValueToKey("Label", keyData: known).Fit(raw).Transform(raw);
    }

    /// <summary>Collects ML.NET log messages from the "Mlp" source.</summary>
    public static List<string> CaptureMlpLog(MLContext ml)
    {
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source.Contains("Mlp", StringComparison.Ordinal)) lock (messages) messages.Add(e.RawMessage); };
        return messages;
    }
}

/// <summary>An ILogger keeping each entry's level, message and structured values.</summary>
internal sealed class RecordingLogger : ILogger
{
    public List<(LogLevel Level, string Message, Dictionary<string, object?> Values)> Entries { get; } = [];

    public IEnumerable<(LogLevel Level, string Message, Dictionary<string, object?> Values)> At(LogLevel level) => Entries.Where(e => e.Level == level);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IReadOnlyList<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : [];
        lock (Entries) Entries.Add((logLevel, formatter(state, exception), values));
    }
}
