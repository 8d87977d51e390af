using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// What a user sees while training: structured <see cref="ILogger"/> entries (one per epoch), messages on
/// <c>mlContext.Log</c> when <c>Options.Context</c> is set, the <c>EpochCompleted</c> callback, and cancellation from
/// that callback returning a usable model.
/// </summary>
public class TrainingProgressReportingTests
{
    private sealed record Entry(LogLevel Level, string Message, IReadOnlyList<KeyValuePair<string, object?>> State);

    private sealed class ListLogger : ILogger
    {
        public List<Entry> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var pairs = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            lock (Entries) Entries.Add(new Entry(logLevel, formatter(state, exception), pairs));
        }
    }

    private static (IDataView Train, IDataView Validation) Data(MLContext ml)
    {
        var raw = ml.Transforms.NormalizeMinMax("Features").Append(ml.Transforms.Conversion.MapValueToKey("Label"));
        var iris = TestData.Iris.Load(ml);
        var all = raw.Fit(iris).Transform(iris);
        var split = ml.Data.TrainTestSplit(all, 0.3, seed: 2);
        return (ml.Data.Cache(split.TrainSet), ml.Data.Cache(split.TestSet));
    }

    [Fact]
    public void LoggerReceivesExactlyOneStructuredEntryPerEpochThenOneSayingWhyTrainingStopped()
    {
        var ml = new MLContext(seed: 1);
        var (train, validation) = Data(ml);
        var logger = new ListLogger();
        var model = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [6], NumberOfEpochs = 5, LearningRate = 0.01f, Logger = logger }).Fit(train, validation);

        Assert.Equal(6, logger.Entries.Count);
        var stopped = logger.Entries[5].State.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(StopReason.Completed, stopped["StopReason"]);
        Assert.Equal(5, stopped["Epochs"]);
        for (int i = 0; i < 5; i++)
        {
            var entry = logger.Entries[i];
            var record = model.Model.History[i];
            var state = entry.State.ToDictionary(p => p.Key, p => p.Value);
            Assert.Equal(LogLevel.Information, entry.Level);
            Assert.Equal(i + 1, Assert.IsType<int>(state["Epoch"]));
            Assert.Equal(record.TrainingLoss, Assert.IsType<double>(state["TrainLoss"]));
            Assert.Equal(record.ValidationLoss, Assert.IsType<double>(state["ValidationLoss"]));
            Assert.Equal(record.ValidationMetric, Assert.IsType<double>(state["ValidationMetric"]));
            Assert.Equal(record.LearningRate, Assert.IsType<float>(state["LearningRate"]));
            Assert.Equal(0.01f, (float)state["LearningRate"]!);
            Assert.Equal(record.Seconds, Assert.IsType<double>(state["Seconds"]));
            Assert.Contains($"Epoch {i + 1}", entry.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ALongEpochReportsHowFarItHasComeToTheLogAndTheLogger()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source.Contains("Mlp", StringComparison.Ordinal)) lock (messages) messages.Add(e.Message); };
        var (train, _) = Data(ml);
        var logger = new ListLogger();
        // An interval of zero: a report after every step. The 104 training rows make 4 batches of 32.
        ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { NumberOfEpochs = 1, ProgressInterval = TimeSpan.Zero, Logger = logger }).Fit(train);
        var progress = messages.Where(m => m.Contains("Epoch 1: ", StringComparison.Ordinal) && m.Contains("of the rows", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, progress.Count);
        Assert.Contains("31% of the rows (32 of 104), 1 steps", progress[0], StringComparison.Ordinal);
        Assert.Contains("100% of the rows (104 of 104), 4 steps", progress[^1], StringComparison.Ordinal);
        Assert.Equal(4, logger.Entries.Count(e => e.State.Any(p => p.Key == "RowsTrained")));

        // The default interval, ten seconds, sends none for an epoch this short.
        messages.Clear();
        ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { NumberOfEpochs = 1 }).Fit(train);
        Assert.DoesNotContain(messages, m => m.Contains("of the rows", StringComparison.Ordinal));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MlpMulticlassOptions { ProgressInterval = TimeSpan.FromSeconds(-1) });
    }

    [Fact]
    public void ContextOptionSendsEpochMessagesToTheMLContextLog()
    {
        var ml = new MLContext(seed: 1);
        var (train, validation) = Data(ml);
        var messages = new List<string>();
        ml.Log += (_, e) =>
        {
            if (e.Source.Contains("Mlp", StringComparison.Ordinal))
                lock (messages) messages.Add(e.RawMessage);
        };
        ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [6], NumberOfEpochs = 4, LearningRate = 0.01f, Context = ml }).Fit(train, validation);

        var epochs = messages.Where(m => m.StartsWith("Epoch ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(4, epochs.Length);
        for (int i = 0; i < 4; i++)
        {
            Assert.StartsWith($"Epoch {i + 1}: train loss ", epochs[i], StringComparison.Ordinal);
            Assert.Contains("validation loss", epochs[i], StringComparison.Ordinal);
            Assert.Contains("learning rate", epochs[i], StringComparison.Ordinal);
        }
        Assert.Contains(messages, m => m.StartsWith("Read ", StringComparison.Ordinal) && m.Contains("4 features", StringComparison.Ordinal));
    }

    [Fact]
    public void EpochCompletedCallbackSeesEveryEpochRecordOfTheHistory()
    {
        var ml = new MLContext(seed: 1);
        var (train, validation) = Data(ml);
        var seen = new List<EpochRecord>();
        var model = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [6], NumberOfEpochs = 6, LearningRate = 0.01f, EpochCompleted = seen.Add }).Fit(train, validation);
        Assert.Equal(model.Model.History, seen);
        Assert.Equal(Enumerable.Range(1, 6), seen.Select(r => r.Epoch));
        Assert.All(seen, r => Assert.True(r.Steps > 0));
    }

    [Fact]
    public void CancellingFromTheCallbackStopsEarlyAndFitReturnsAUsableTransformer()
    {
        var ml = new MLContext(seed: 1);
        var (train, validation) = Data(ml);
        using var cancellation = new CancellationTokenSource();
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source.Contains("Mlp", StringComparison.Ordinal)) lock (messages) messages.Add(e.RawMessage); };
        var options = new MlpMulticlassOptions
        {
            HiddenLayers = [6],
            NumberOfEpochs = 1000,
            LearningRate = 0.05f,
            CancellationToken = cancellation.Token,
            EpochCompleted = r => { if (r.Epoch == 3) cancellation.Cancel(); },
            Context = ml,
        };
        var model = ml.MulticlassClassification.Trainers.Mlp(options).Fit(train);

        Assert.Equal(3, model.Model.History.Count);
        var scored = model.Transform(validation);
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        Assert.All(scores, s => Assert.Equal(1.0, s.Sum(), 1e-5));
        Assert.True(ml.MulticlassClassification.Evaluate(scored).MicroAccuracy > 0.5);
        Assert.Contains(messages, m => m.Contains("cancelled after 3 epochs", StringComparison.Ordinal));
    }
}
