namespace MLNet.Mlp.Schedules;

/// <summary>How a value is compared with the best one (PyTorch's <c>threshold_mode</c>; <see cref="ReduceOnPlateauSchedule"/>, <see cref="Training.ImprovementCriterion"/>).</summary>
public enum PlateauThresholdMode
{
    /// <summary>Relative ('rel'): better means below best·(1 − threshold) in Min mode, above best·(1 + threshold) in Max mode.</summary>
    Relative,

    /// <summary>Absolute ('abs'): better means below best − threshold in Min mode, above best + threshold in Max mode.</summary>
    Absolute,
}
