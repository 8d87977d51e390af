using Microsoft.ML;
using MLNet.Mlp.Fitting;
using MLNet.Mlp.Metrics;

namespace MLNet.Mlp.Tasks;

/// <summary>What the classification tasks share: accuracy as the metric, and the rule that training needs two classes.</summary>
internal abstract class ClassificationTaskHead : MlpTaskHead
{
    public override IMetric CreateMetric() => new AccuracyMetric();

    public override string MetricName => "accuracy";

    /// <summary>
    /// A classifier trained on one class learns a constant: almost always a data mistake (a filter, a join, a
    /// mislabelled file), so a fresh training run fails. A warm start may legitimately fine-tune on a batch of one class,
    /// so it only warns.
    /// </summary>
    public override void CheckClassesPresent(int[]? distinctClasses, int rows, DataViewSchema.Column label, bool warmStart, TrainingReporter reporter)
    {
        if (distinctClasses is not { } present) return;
        if (present.Length < 2)
        {
            string which = ClassName(label, present[0]);
            string message = SingleClassMessage(rows, which, label.Name);
            if (!warmStart)
                throw new InvalidOperationException(message + " Check how the training data was selected (filters, joins, splits).");
            reporter.SingleClassOnWarmStart(message, rows, which);
            return;
        }
        ReportAbsentClasses(present, label, reporter);
    }

    /// <summary>How messages name the class of 0-based index <paramref name="index"/>.</summary>
    protected abstract string ClassName(DataViewSchema.Column label, int index);

    /// <summary>The message when all <paramref name="rows"/> training rows have the class <paramref name="className"/>.</summary>
    protected abstract string SingleClassMessage(int rows, string className, string labelColumn);

    /// <summary>Reports classes of the label's type that no training row has (not an error: common in small folds).</summary>
    protected virtual void ReportAbsentClasses(int[] present, DataViewSchema.Column label, TrainingReporter reporter)
    {
    }
}
