using MLNet.Mlp.Numerics.Elementwise;
namespace MLNet.Mlp.Training;

/// <summary>
/// Examples held in contiguous memory: features [rows × featureCount], targets [rows × targetWidth] and optional
/// per-example weights. The arrays are used as they are, not copied; do not change them while training.
/// </summary>
public sealed class TrainingData
{
    /// <summary>Wraps examples, checking shapes and that every value is finite.</summary>
    /// <param name="features">[rows × featureCount] row-major.</param>
    /// <param name="featureCount">Features per example.</param>
    /// <param name="targets">[rows × targetWidth] row-major (a class index per row for sparse cross-entropy).</param>
    /// <param name="targetWidth">Targets per example.</param>
    /// <param name="weights">Null, or one non-negative finite weight per example.</param>
    public TrainingData(float[] features, int featureCount, float[] targets, int targetWidth, float[]? weights = null)
        : this(features, featureCount, targets, targetWidth, weights, DenseRows(features, featureCount))
    {
        RequireFinite(features, featureCount, "feature", nameof(features));
    }

    /// <summary>Wraps examples whose features are kept sparse (CSR), checking shapes and that every value is finite.</summary>
    /// <param name="features">One sparse row per example.</param>
    /// <param name="targets">[rows × targetWidth] row-major (a class index per row for sparse cross-entropy).</param>
    /// <param name="targetWidth">Targets per example.</param>
    /// <param name="weights">Null, or one non-negative finite weight per example.</param>
    public TrainingData(SparseRows features, float[] targets, int targetWidth, float[]? weights = null)
        : this(DenseStandIn, 1, targets, targetWidth, weights, (features ?? throw new ArgumentNullException(nameof(features))).Rows)
    {
        if (features.Rows == 0) throw new ArgumentException("Training data is empty: there are no rows.", nameof(features));
        SparseFeatures = features;
        FeatureCount = features.Columns;
    }

    // The rows of a dense feature buffer, checked before the targets and weights are checked against them.
    private static int DenseRows(float[] features, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (featureCount <= 0) throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "Feature count must be positive.");
        if (features.Length % featureCount != 0)
            throw new ArgumentException($"Feature buffer length {features.Length} is not a multiple of the feature count {featureCount}.", nameof(features));
        int rows = features.Length / featureCount;
        if (rows == 0) throw new ArgumentException("Training data is empty: there are no rows.", nameof(features));
        return rows;
    }

    // The sparse constructor's dense array: empty, never read (consumers branch on SparseFeatures).
    private static readonly float[] DenseStandIn = [];

    private TrainingData(float[] features, int featureCount, float[] targets, int targetWidth, float[]? weights, int rows)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targetWidth <= 0) throw new ArgumentOutOfRangeException(nameof(targetWidth), targetWidth, "Target width must be positive.");
        if (targets.Length != rows * targetWidth)
            throw new ArgumentException($"Expected {rows}×{targetWidth} = {rows * targetWidth} targets for {rows} rows but got {targets.Length}.", nameof(targets));
        if (weights != null && weights.Length != rows)
            throw new ArgumentException($"Expected {rows} example weights but got {weights.Length}.", nameof(weights));
        RequireFinite(targets, targetWidth, "target", nameof(targets));
        if (weights != null)
        {
            for (int i = 0; i < weights.Length; i++)
                if (!(weights[i] >= 0f) || float.IsPositiveInfinity(weights[i]))
                    throw new ArgumentException($"Row {i}: example weight {weights[i]} is not a finite non-negative number.", nameof(weights));
        }
        Features = features;
        FeatureCount = featureCount;
        Targets = targets;
        TargetWidth = targetWidth;
        Weights = weights;
        Rows = rows;
    }

    /// <summary>[rows × featureCount]; empty when the features are kept sparse (<see cref="SparseFeatures"/>).</summary>
    public float[] Features { get; }

    /// <summary>The features as sparse rows, or null when they are dense (<see cref="Features"/>).</summary>
    public SparseRows? SparseFeatures { get; }

    /// <summary>Features per example.</summary>
    public int FeatureCount { get; }

    /// <summary>[rows × targetWidth].</summary>
    public float[] Targets { get; }

    /// <summary>Targets per example.</summary>
    public int TargetWidth { get; }

    /// <summary>Per-example weights, or null for all 1.</summary>
    public float[]? Weights { get; }

    /// <summary>Number of examples.</summary>
    public int Rows { get; }

    private float[]? _inputOffset;

    /// <summary>
    /// Null, or one value per feature subtracted from every row wherever the rows are read (the network sees x − offset):
    /// a centering kept out of the stored rows, so that their zeros stay zeros and the first layer can skip them
    /// (<see cref="ZeroSkipping"/>), which then folds the offset into its bias and weight gradient.
    /// </summary>
    /// <exception cref="ArgumentException">Set on sparse data, or not one finite value per feature.</exception>
    internal float[]? InputOffset
    {
        get => _inputOffset;
        set
        {
            if (value != null)
            {
                if (SparseFeatures != null) throw new ArgumentException("Sparse rows take no input offset.", nameof(value));
                if (value.Length != FeatureCount) throw new ArgumentException($"Expected {FeatureCount} offsets but got {value.Length}.", nameof(value));
                if (FiniteCheck.IndexOfNonFinite(value) is int i and >= 0) throw new ArgumentException($"Offset {i} ({value[i]}) is not finite.", nameof(value));
            }
            _inputOffset = value;
        }
    }

    /// <summary>Subtracts <see cref="InputOffset"/> (when set) from <paramref name="rows"/> rows of features in <paramref name="buffer"/>.</summary>
    internal void RemoveOffset(Span<float> buffer, int rows)
    {
        if (_inputOffset is not { } offset) return;
        int f = FeatureCount;
        for (int r = 0; r < rows; r++)
        {
            var row = buffer.Slice(r * f, f);
            System.Numerics.Tensors.TensorPrimitives.Subtract(row, offset, row);
        }
    }

    /// <summary>The share of feature values that are not zero (counted on each call: the rows may be rescaled in place).</summary>
    internal double NonZeroFraction => SparseFeatures is { } sparse
        ? sparse.NonZeroCount / ((double)sparse.Rows * sparse.Columns)
        : (Features.Length - ZeroCount.Of(Features)) / (double)Features.Length;

    private static void RequireFinite(float[] values, int width, string what, string parameter)
    {
        int i = Numerics.Elementwise.FiniteCheck.IndexOfNonFinite(values);
        if (i >= 0)
            throw new ArgumentException($"Row {i / width}, {what} {i % width}: value {values[i]} is not finite (NaN or ∞).", parameter);
    }
}
