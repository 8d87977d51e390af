using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Fitting;

/// <summary>
/// Reports one <c>Fit</c>: each event is written here once, as a structured entry for <see cref="MlpOptionsBase.Logger"/>
/// (named values a log query can use) and as a sentence for ML.NET's log when <see cref="MlpOptionsBase.Context"/> is
/// set (source "Mlp"). The logger gets warnings, errors and the per-epoch entries; ML.NET's log also gets the
/// informational summaries (rows read, why training stopped).
/// </summary>
internal sealed class TrainingReporter : IDisposable
{
    private readonly ILogger? _logger;
    private readonly IChannel? _channel;
    private readonly string _labelColumn;
    private readonly string _featureColumn;
    private readonly string _metricName;

    /// <param name="options">The trainer's options: the logger, the ML.NET context and the column names.</param>
    /// <param name="metricName">The task's metric as messages name it.</param>
    public TrainingReporter(MlpOptionsBase options, string metricName)
    {
        _logger = options.Logger;
        _channel = options.Context != null ? ((IHostEnvironment)options.Context).Register("Mlp").Start("Training") : null;
        _labelColumn = options.LabelColumnName;
        _featureColumn = options.FeatureColumnName;
        _metricName = metricName;
    }

    /// <summary>The rows read for <paramref name="purpose"/> ("training" or "validation") and those left out.</summary>
    public void RowsRead(DataViewReader.Result read, string purpose)
    {
        var parts = new List<string>();
        if (read.SkippedMissingLabel > 0) parts.Add($"skipped {read.SkippedMissingLabel} rows with a missing label");
        if (read.SkippedNonFinite > 0) parts.Add($"skipped {read.SkippedNonFinite} rows with a NaN or infinite feature");
        Info($"Read {read.Data.Rows} {purpose} rows of {read.Data.FeatureCount} features" + (parts.Count > 0 ? "; " + string.Join("; ", parts) + "." : "."));
        if (read.SkippedMissingLabel > 0)
        {
            // The training read keeps its original template (log queries rely on it).
            if (purpose == "training")
                _logger?.LogWarning("Skipped {SkippedRows} training rows with a missing label in column {LabelColumn}.", read.SkippedMissingLabel, _labelColumn);
            else
                _logger?.LogWarning("Skipped {SkippedRows} {Purpose} rows with a missing label in column {LabelColumn}.", read.SkippedMissingLabel, purpose, _labelColumn);
        }
        if (read.SkippedNonFinite > 0)
            _logger?.LogWarning("Skipped {SkippedRows} {Purpose} rows with a NaN or infinite value in feature column {FeatureColumn}.", read.SkippedNonFinite, purpose, _featureColumn);
    }

    /// <summary>A warm start on rows of a single class: allowed (fine-tuning), but worth a warning.</summary>
    /// <param name="message">The task's sentence saying so.</param>
    /// <param name="rows">The training rows.</param>
    /// <param name="className">The one class, as messages name it.</param>
    public void SingleClassOnWarmStart(string message, int rows, string className)
    {
        Warning(message);
        _logger?.LogWarning("All {Rows} training rows have one class ({Class}) in label column {LabelColumn}; continuing from the previous model.", rows, className, _labelColumn);
    }

    /// <summary>Classes of the label's key type that no training row has.</summary>
    /// <param name="missing">Their names.</param>
    /// <param name="classCount">The key type's class count.</param>
    public void AbsentClasses(string[] missing, ulong classCount)
    {
        Warning($"{missing.Length} of {classCount} classes never occur in the training data: {string.Join(", ", missing.Take(10))}{(missing.Length > 10 ? ", …" : "")}.");
        _logger?.LogWarning("{Missing} of {Classes} classes of label column {LabelColumn} never occur in the training data.", missing.Length, classCount, _labelColumn);
    }

    /// <summary>
    /// ML.NET's <c>Model.Save(model, schema, path)</c> truncates the destination before it asks any transformer to save
    /// itself, so an unsaveable model (a custom activation has no ONNX form) is best reported when it is trained.
    /// </summary>
    public void NotSaveable(string reason)
    {
        Warning(reason);
        _logger?.LogWarning("This model cannot be saved with mlContext.Model.Save or exported to ONNX: {Reason}", reason);
    }

    /// <summary>Training diverged; <paramref name="exception"/> is what <c>Fit</c> throws.</summary>
    public void Diverged(MlpTrainingDivergedException exception)
    {
        Error(exception.Message);
        _logger?.LogError(exception, "Training diverged at epoch {Epoch}, step {Step} (learning rate {LearningRate}); last good epoch {LastGoodEpoch}.",
            exception.Epoch, exception.Step, exception.LearningRate, exception.LastGoodEpoch);
    }

    /// <summary>Why training ended before its last epoch, if it did.</summary>
    public void Stopped(TrainingResult result, int epochsCompleted)
    {
        if (result.StopReason == StopReason.Completed) return;
        Info(result.StopReason == StopReason.EarlyStopped
            ? $"Early stopping after epoch {epochsCompleted}; best epoch {result.BestEpoch}{(result.RestoredBestWeights ? " (weights restored)" : "")}."
            : $"Training cancelled after {epochsCompleted} epochs; the model holds the weights of the last step.");
    }

    /// <summary>One epoch's losses, metric, learning rate and time.</summary>
    public void Epoch(EpochRecord r)
    {
        string metric = _metricName;
        _logger?.LogInformation(
            "Epoch {Epoch}: train loss {TrainLoss:F5}, train {MetricName} {TrainMetric:F4}, validation loss {ValidationLoss}, validation {MetricName2} {ValidationMetric}, learning rate {LearningRate:G4}, {Seconds:F2} s",
            r.Epoch, r.TrainingLoss, metric, r.TrainingMetric, r.ValidationLoss, metric, r.ValidationMetric, r.LearningRate, r.Seconds);
        if (_channel != null)
        {
            var c = CultureInfo.InvariantCulture;
            string validationPart = r.ValidationLoss is double vl ? string.Format(c, ", validation loss {0:F5}, validation {1} {2:F4}", vl, metric, r.ValidationMetric) : "";
            Info(string.Format(c, "Epoch {0}: train loss {1:F5}, train {2} {3:F4}{4}, learning rate {5:G4}, {6:F2} s",
                r.Epoch, r.TrainingLoss, metric, r.TrainingMetric, validationPart, r.LearningRate, r.Seconds));
        }
    }

    /// <summary>Sparse input whose first layer is updated densely every step, because <paramref name="reason"/>.</summary>
    public void DenseSparseUpdates(string reason)
    {
        Info($"Sparse features: every weight of the first layer is updated each step (not only the touched features' weights), because {reason}.");
        _logger?.LogInformation("Sparse features: the first layer is updated densely each step because {Reason}.", reason);
    }

    /// <summary>Ends ML.NET's training channel.</summary>
    public void Dispose() => _channel?.Dispose();

    private void Info(string message) => _channel?.Info(MessageSensitivity.None, message);

    private void Warning(string message) => _channel?.Warning(MessageSensitivity.None, message);

    private void Error(string message) => _channel?.Error(MessageSensitivity.None, message);
}
