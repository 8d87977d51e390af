namespace MLNet.Mlp.Training;

/// <summary>What happened in one epoch: the numbers Keras's History and ML.NET users plot.</summary>
/// <param name="Epoch">1-based epoch number, counted over every run of a resumed training.</param>
/// <param name="TrainingLoss">Weighted mean loss over the epoch's batches (weights as they were during the epoch).</param>
/// <param name="TrainingMetric">The metric over the epoch's batch outputs, or null without a metric.</param>
/// <param name="ValidationLoss">Mean loss on the validation data after the epoch, or null without validation data.</param>
/// <param name="ValidationMetric">The metric on the validation data, or null.</param>
/// <param name="LearningRate">The learning rate of the epoch's last step.</param>
/// <param name="Seconds">Wall-clock time of the epoch, validation included.</param>
/// <param name="Steps">Optimizer steps taken in the epoch.</param>
public sealed record EpochRecord(
    int Epoch,
    double TrainingLoss,
    double? TrainingMetric,
    double? ValidationLoss,
    double? ValidationMetric,
    float LearningRate,
    double Seconds,
    int Steps)
{
    /// <summary>The value early stopping and reduce-on-plateau watch: the validation loss or metric when there is
    /// validation data, else the training one.</summary>
    internal double MonitoredValue(MonitoredQuantity quantity)
        => quantity == MonitoredQuantity.Metric ? (ValidationMetric ?? TrainingMetric)!.Value : ValidationLoss ?? TrainingLoss;
}
