using System.ComponentModel;

namespace MLNet.Mlp.Trainers;

/// <summary>Options of <see cref="MlpBinaryTrainer"/>. The label column must be Boolean.</summary>
public sealed class MlpBinaryOptions : MlpOptionsBase
{
    private float _positiveInstanceWeight = MlpDefaults.PositiveInstanceWeight;

    /// <summary>Weight of positive examples relative to negative ones, useful for imbalanced data (ML.NET's name for it;
    /// PyTorch's <c>pos_weight</c>); positive and finite. Default 1.</summary>
    public float PositiveInstanceWeight
    {
        get => _positiveInstanceWeight;
        set => _positiveInstanceWeight = value > 0f && float.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(PositiveInstanceWeight), value, $"Invalid PositiveInstanceWeight: {value} (must be positive and finite).");
    }

    /// <summary>The former name of <see cref="PositiveInstanceWeight"/>, kept so that existing code compiles.</summary>
    [Obsolete("Use PositiveInstanceWeight, the name ML.NET's binary trainers give this option.")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public float PositiveClassWeight { get => PositiveInstanceWeight; set => PositiveInstanceWeight = value; }

    // [negative, positive]; none at all without reweighting, so that unweighted data keeps no weight column.
    internal override float[]? ExampleWeightsByClass => PositiveInstanceWeight == MlpDefaults.PositiveInstanceWeight ? null : [1f, PositiveInstanceWeight];
}
