namespace MLNet.Mlp.Trainers;

/// <summary>Options of <see cref="MlpMulticlassTrainer"/>. The label column must be a key type (use <c>MapValueToKey</c>).</summary>
public sealed class MlpMulticlassOptions : MlpOptionsBase
{
    private float[]? _classWeights;

    /// <summary>A weight per class (in key order) multiplying each example's weight, e.g. to counter imbalance; null (default) for all 1.</summary>
    public float[]? ClassWeights
    {
        get => _classWeights;
        set
        {
            if (value != null)
            {
                if (value.Length == 0) throw new ArgumentException("ClassWeights must not be empty (use null for equal weights).", nameof(ClassWeights));
                for (int i = 0; i < value.Length; i++)
                    if (!(value[i] >= 0f) || !float.IsFinite(value[i]))
                        throw new ArgumentOutOfRangeException(nameof(ClassWeights), value[i], $"Class weight {i} is {value[i]}; class weights must be finite and non-negative.");
            }
            _classWeights = (float[]?)value?.Clone();
        }
    }

    internal override float[]? ExampleWeightsByClass => ClassWeights;
}
