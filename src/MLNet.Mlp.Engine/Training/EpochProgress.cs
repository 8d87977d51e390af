namespace MLNet.Mlp.Training;

/// <summary>How far an epoch has come: what <see cref="TrainingOptions.ProgressReported"/> receives during a long epoch.</summary>
/// <param name="Epoch">1-based epoch number, counted over every run of a resumed training.</param>
/// <param name="RowsTrained">Training rows the epoch's steps have covered so far.</param>
/// <param name="Rows">Training rows of an epoch.</param>
/// <param name="Steps">Optimizer steps taken so far in the epoch.</param>
/// <param name="TrainingLoss">Weighted mean loss over the epoch's batches so far.</param>
/// <param name="Seconds">Wall-clock time since the epoch began.</param>
public sealed record EpochProgress(int Epoch, int RowsTrained, int Rows, int Steps, double TrainingLoss, double Seconds);
