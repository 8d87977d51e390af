namespace MLNet.Mlp.Trainers;

/// <summary>Options of <see cref="MlpRegressionTrainer"/>. The label column is a Single, or a known-size vector of Single for multi-output regression.</summary>
public sealed class MlpRegressionOptions : MlpOptionsBase
{
    /// <summary>
    /// Standardize each label to zero mean and unit variance for training and map predictions back, so that the
    /// default learning rate suits labels of any scale. Reported losses are then on the standardized scale.
    /// Default true.
    /// </summary>
    public bool StandardizeLabels { get; set; } = MlpDefaults.StandardizeLabels;

    internal override bool StandardizesLabels => StandardizeLabels;
}
