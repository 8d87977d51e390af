namespace MLNet.Mlp.Trainers;

/// <summary>Options of <see cref="MlpBinaryTrainer"/>. The label column must be Boolean.</summary>
public sealed class MlpBinaryOptions : MlpOptionsBase
{
    private float _positiveClassWeight = MlpDefaults.PositiveClassWeight;

    /// <summary>Weight of positive examples relative to negative ones (like PyTorch's <c>pos_weight</c>). Default 1.</summary>
    public float PositiveClassWeight
    {
        get => _positiveClassWeight;
        set => _positiveClassWeight = value > 0f && float.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(PositiveClassWeight), value, $"Invalid PositiveClassWeight: {value} (must be positive and finite).");
    }

    // [negative, positive]; none at all without reweighting, so that unweighted data keeps no weight column.
    internal override float[]? ExampleWeightsByClass => PositiveClassWeight == MlpDefaults.PositiveClassWeight ? null : [1f, PositiveClassWeight];
}
