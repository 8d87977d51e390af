using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Schedules;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Fitting;

/// <summary>
/// Reports one <c>Fit</c>: each event is written here once, as a structured entry for <see cref="MlpOptionsBase.Logger"/>
/// (named values a log query can use) and as a sentence for the ML.NET context's log (source "Mlp") when the fit has
/// one, which is by default (<see cref="FitEnvironment"/>). The logger gets warnings, errors and the per-epoch entries;
/// ML.NET's log also gets the informational summaries (rows read, why training stopped).
/// </summary>
internal sealed class TrainingReporter : IDisposable
{
    private readonly ILogger? _logger;
    private readonly IChannel? _channel;
    private readonly string _labelColumn;
    private readonly string _featureColumn;
    private readonly string _metricName;

    /// <param name="options">The trainer's options: the logger and the column names.</param>
    /// <param name="metricName">The task's metric as messages name it.</param>
    /// <param name="host">The fit's host on the ML.NET context, or null without a context.</param>
    public TrainingReporter(MlpOptionsBase options, string metricName, IHost? host)
    {
        _logger = options.Logger;
        _channel = host?.Start("Training");
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

    /// <summary>
    /// Why training ended, in one line (ML.NET's log and the logger), then the warnings a user needs: a run stopped at its
    /// limit while the loss still fell (underfit), a loss that rose by orders of magnitude (learning rate too high), a
    /// cancelled run.
    /// </summary>
    /// <param name="result">The engine's result.</param>
    /// <param name="state">The training state after the run (its counters and history).</param>
    /// <param name="options">The engine's settings of the run.</param>
    public void Stopped(TrainingResult result, TrainingState state, TrainingOptions options)
    {
        var c = CultureInfo.InvariantCulture;
        int epochs = result.History.Count;
        long steps = result.History.Sum(r => (long)r.Steps);
        string monitored = result.History.Any(r => r.ValidationLoss != null) && !result.ConvergedOnTrainingLoss ? "validation loss" : "training loss";
        string message = result.StopReason switch
        {
            StopReason.Converged => string.Format(c, "Training converged after {0} epochs ({1} steps): the {2} has not improved by more than {3:G3} for {4} epochs.",
                epochs, steps, monitored, options.Convergence!.Tolerance, options.Convergence.Patience),
            StopReason.ReachedLimit => string.Format(c, "Training stopped at its limit after {0} epochs ({1} steps; limits {2} epochs, {3} steps) before the {4} converged.",
                epochs, steps, options.Convergence!.MaximumNumberOfEpochs, options.Convergence.MaximumNumberOfSteps, monitored),
            StopReason.EarlyStopped => string.Format(c, "Early stopping after epoch {0}; best epoch {1}{2}.", state.EpochsCompleted, result.BestEpoch,
                result.RestoredBestWeights ? " (weights restored)" : ""),
            StopReason.Cancelled => string.Format(c, "Training cancelled after {0} completed epochs of this run ({1} steps in all); the model holds the weights of the last step.", epochs, state.Step),
            _ => string.Format(c, "Training completed {0} epochs ({1} steps).", epochs, steps),
        };
        // The penalty is part of what the run converged to, and the default one depends on the row count.
        float l2 = options.GradientTransforms.OfType<L2Regularization>().FirstOrDefault()?.Lambda ?? 0f;
        if (l2 > 0f) message += string.Format(c, " L2 regularization λ = {0:G3}.", l2);
        if (options.Schedule is FinalDecaySchedule decay && state.Step > decay.DecayStart)
            message += string.Format(c, " The learning rate fell linearly towards zero from step {0} (the last fifth of the limit).", decay.DecayStart);
        Info(message);
        _logger?.LogInformation("Training stopped: {StopReason} after {Epochs} epochs and {Steps} steps (L2 regularization {L2Regularization}).",
            result.StopReason, epochs, steps, l2);

        if (result.StopReason == StopReason.Cancelled && epochs == 0 && result.FirstBatchLoss is null)
        {
            Warning("Training was cancelled before its first step: the model is the initialized (or warm-start) model.");
            _logger?.LogWarning("Training was cancelled before its first step; the model is the initialized (or warm-start) model ({StopReason}).", result.StopReason);
        }
        else if (result.StopReason == StopReason.Cancelled)
        {
            Warning(string.Format(c, "Training was cancelled after {0} epochs of this run: the model is the one trained so far.", epochs));
            _logger?.LogWarning("Training was cancelled after {Epochs} epochs of this run; the model is the one trained so far ({StopReason}).", epochs, result.StopReason);
        }

        if (result.StopReason == StopReason.ReachedLimit) Underfit(result, monitored, options.Convergence!);
        if (result.FirstBatchLoss is double first) LossExplosion(result, first, options);
    }

    /// <summary>A run until converged that hit its limit while the monitored loss still fell by more than the tolerance.</summary>
    private void Underfit(TrainingResult result, string monitored, ConvergenceCriterion convergence)
    {
        var history = result.History;
        int window = Math.Min(convergence.Patience, history.Count - 1);
        if (window < 1) return;
        double before = history[^(window + 1)].MonitoredValue(MonitoredQuantity.Loss);
        double now = history[^1].MonitoredValue(MonitoredQuantity.Loss);
        int suggested = 2 * history.Count;
        Warning(string.Format(CultureInfo.InvariantCulture,
            "Training stopped at its limit while the {0} was still falling ({1:G4} to {2:G4} over the last {3} epochs): the model may be underfit. "
            + "Set NumberOfEpochs to train longer (e.g. {4}), or raise LearningRate.", monitored, before, now, window, suggested));
        _logger?.LogWarning("Training stopped at its limit after {Epochs} epochs while the {Monitored} was still falling ({Before} to {Now} over the last {Window} epochs); "
            + "set NumberOfEpochs to train longer (e.g. {SuggestedEpochs}).", history.Count, monitored, before, now, window, suggested);
    }

    /// <summary>
    /// An epoch whose training loss is a hundred times the loss the run started from: the optimizer overshoots, which
    /// with a finite loss never trips the divergence guard yet leaves a useless model. The suggestion is the learning
    /// rate a hundredth as large, at most ten times the default (Adam's 0.001).
    /// </summary>
    private void LossExplosion(TrainingResult result, double firstBatchLoss, TrainingOptions options)
    {
        var peak = result.History.MaxBy(r => r.TrainingLoss);
        if (peak is null || !(peak.TrainingLoss >= 100 * firstBatchLoss && peak.TrainingLoss >= firstBatchLoss + 1)) return;
        float suggested = Math.Min(options.LearningRate / 100, 10 * TrainingDefaults.LearningRate);
        Warning(string.Format(CultureInfo.InvariantCulture,
            "The training loss rose from {0:G3} before the first step to {1:G3} in epoch {2}: learning rate {3:G3} is too high for {4}. "
            + "Lower LearningRate (e.g. to {5:G2}).", firstBatchLoss, peak.TrainingLoss, peak.Epoch, options.LearningRate, options.Optimizer.Name, suggested));
        _logger?.LogWarning("The training loss rose from {InitialLoss} before the first step to {PeakLoss} in epoch {Epoch}: learning rate {LearningRate} is too high "
            + "for {Optimizer}; lower LearningRate (e.g. to {SuggestedLearningRate}).", firstBatchLoss, peak.TrainingLoss, peak.Epoch, options.LearningRate,
            options.Optimizer.Name, suggested);
    }

    /// <summary>One epoch's losses, metric, learning rate and time.</summary>
    public void Epoch(EpochRecord r)
    {
        string metric = _metricName;
        // Without validation data the entry has no validation values at all, rather than nulls printed as "(null)".
        if (r.ValidationLoss is double loss)
        {
            _logger?.LogInformation(
                "Epoch {Epoch}: train loss {TrainLoss:F5}, train {MetricName} {TrainMetric:F4}, validation loss {ValidationLoss:F5}, validation {MetricName2} {ValidationMetric:F4}, learning rate {LearningRate:G4}, {Seconds:F2} s",
                r.Epoch, r.TrainingLoss, metric, r.TrainingMetric, loss, metric, r.ValidationMetric, r.LearningRate, r.Seconds);
        }
        else
        {
            _logger?.LogInformation(
                "Epoch {Epoch}: train loss {TrainLoss:F5}, train {MetricName} {TrainMetric:F4}, learning rate {LearningRate:G4}, {Seconds:F2} s",
                r.Epoch, r.TrainingLoss, metric, r.TrainingMetric, r.LearningRate, r.Seconds);
        }
        if (_channel != null)
        {
            var c = CultureInfo.InvariantCulture;
            string validationPart = r.ValidationLoss is double vl ? string.Format(c, ", validation loss {0:F5}, validation {1} {2:F4}", vl, metric, r.ValidationMetric) : "";
            Info(string.Format(c, "Epoch {0}: train loss {1:F5}, train {2} {3:F4}{4}, learning rate {5:G4}, {6:F2} s",
                r.Epoch, r.TrainingLoss, metric, r.TrainingMetric, validationPart, r.LearningRate, r.Seconds));
        }
    }

    /// <summary>The default L2 penalty the cross-validation chose, with every candidate's held-out loss.</summary>
    public void L2Chosen(L2CrossValidation.Choice choice)
    {
        var c = CultureInfo.InvariantCulture;
        string candidates = string.Join(", ", MlpDefaults.L2PenaltyExamplesGrid.Select((e, i) => string.Format(c, "{0:G3}: {1:G4}", e, choice.MeanLosses[i])));
        Info(string.Format(c, "L2 regularization chosen by {0}-fold cross-validation on the training rows: a penalty worth {1:G3} examples, λ = {2:G3} "
            + "(mean held-out loss by penalty in examples: {3}).", MlpDefaults.L2SelectionFolds, choice.PenaltyExamples, choice.Lambda, candidates));
        _logger?.LogInformation("L2 regularization chosen by cross-validation: {PenaltyExamples} examples, lambda {L2Regularization}.", choice.PenaltyExamples, choice.Lambda);
    }

    /// <summary>Sparse input whose first layer is updated densely every step, because <paramref name="reason"/>.</summary>
    public void DenseSparseUpdates(string reason)
    {
        Info($"Sparse features: every weight of the first layer is updated each step (not only the touched features' weights), because {reason}.");
        _logger?.LogInformation("Sparse features: the first layer is updated densely each step because {Reason}.", reason);
    }

    /// <summary>How far a long epoch has come.</summary>
    public void Progress(EpochProgress p)
    {
        Info(string.Format(CultureInfo.InvariantCulture, "Epoch {0}: {1:F0}% of the rows ({2} of {3}), {4} steps, train loss so far {5:F5}, {6:F1} s",
            p.Epoch, 100.0 * p.RowsTrained / p.Rows, p.RowsTrained, p.Rows, p.Steps, p.TrainingLoss, p.Seconds));
        _logger?.LogInformation("Epoch {Epoch}: {RowsTrained} of {Rows} rows, {Steps} steps, training loss so far {TrainingLoss}, {Seconds} s",
            p.Epoch, p.RowsTrained, p.Rows, p.Steps, p.TrainingLoss, p.Seconds);
    }

    /// <summary>Part of the training rows held out by default to decide when training has converged.</summary>
    public void DefaultValidationSplit(int validationRows, int trainingRows, float fraction)
    {
        Info(string.Format(CultureInfo.InvariantCulture,
            "Sparse features, trained until converged: {0:F0}% of the rows ({1} rows) are held out as validation data to decide when to stop; "
            + "{2} rows are trained on. Set NumberOfEpochs, ValidationFraction or pass validation data to Fit to choose otherwise.",
            100.0 * fraction, validationRows, trainingRows));
        _logger?.LogInformation("Holding out {ValidationRows} of the training rows as validation data (sparse features, trained until converged).", validationRows);
    }

    /// <summary>Ends ML.NET's training channel.</summary>
    public void Dispose() => _channel?.Dispose();

    private void Info(string message) => _channel?.Info(MessageSensitivity.None, message);

    private void Warning(string message) => _channel?.Warning(MessageSensitivity.None, message);

    private void Error(string message) => _channel?.Error(MessageSensitivity.None, message);
}
