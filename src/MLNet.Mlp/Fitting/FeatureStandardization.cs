using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Trainers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Fitting;

/// <summary>
/// Input features standardized for training, x' = (x − μ)/s per feature, and folded into the first dense layer when a
/// model is handed out (W'[u, j] = W[u, j]/s_j, b'[u] = b[u] − Σ_j μ_j/s_j·W[u, j]), so that the model computes on raw
/// features and prediction, ONNX export and saving cost nothing extra. Adam and its kin take equal steps on every
/// weight, which only suits inputs of comparable scale: without this a column in the thousands beside one in
/// thousandths trains badly with any single learning rate.
/// </summary>
/// <remarks>
/// The statistics are those of the training rows, weighted by the example weights. <see cref="Mean"/> and <see cref="Scale"/> are computed in double and rounded to float
/// once; standardizing and folding both use the rounded values, so a fold repeated from a checkpoint gives the same bits.
/// With <c>center: false</c> the mean is zero (scale only), which keeps sparse rows sparse; sparse rows center only the
/// columns stored in nearly every row (<see cref="FitSparse"/>).
/// </remarks>
internal sealed class FeatureStandardization
{
    /// <summary>A feature whose standard deviation is at most this fraction of its mean's magnitude varies only by float
    /// rounding (float resolves about 6e-8 of a value): it is treated as constant.</summary>
    private const double ConstantRelativeSpread = 1e-6;

    /// <summary>Below this a deviation is treated as zero, so that 1/s stays far from float overflow in the fold.</summary>
    private const double ConstantAbsoluteSpread = 1e-20;

    /// <summary>The least scale of a feature as a fraction of its range (max − min over the training rows): a feature that
    /// is nearly always one value and rarely another (an image's border pixel, lit in a few images) has a standard
    /// deviation far below its range, and dividing by it would magnify those few values many times over the inputs the
    /// network mostly sees, which costs accuracy; a feature spread over its range (a normal one has s ≈ range/5) is not
    /// affected. The floor scales with the feature, so a column's unit still does not matter.</summary>
    private const double MinimumScaleOfRange = 0.1;

    /// <summary>The least share of the (weighted) rows a column of sparse rows must hold a value in to be standardized as a
    /// dense column is, centered and scaled by its standard deviation (at least a tenth of its range): 0.9, a number
    /// concatenated to a wide one-hot encoding or bag of words, stored in nearly every row, so that storing −μ/s in the
    /// rows that lack it adds at most a tenth of a value per row.</summary>
    private const double DenseColumnShare = 0.9;

    /// <summary>The least scale of a rarer column of sparse rows: 1, so that such a column is only ever shrunk (scaled, not
    /// centered, which would fill every row). A scale below 1 would magnify the rare terms of a text vocabulary
    /// (normalized per row, so every value is at most 1) far above the common ones, which costs accuracy; a column on a
    /// large scale (counts or amounts in the thousands) is brought to unit spread.</summary>
    private const double MinimumSparseScale = 1;

    internal FeatureStandardization(float[] mean, float[] scale)
    {
        if (mean.Length != scale.Length) throw new ArgumentException($"{mean.Length} means but {scale.Length} scales.", nameof(scale));
        Mean = mean;
        Scale = scale;
    }

    /// <summary>μ_j, the mean of each feature (0 for a feature that is not centered).</summary>
    public float[] Mean { get; }

    /// <summary>s_j, the standard deviation of each feature, at least a tenth of its range (1 for a constant one: it is
    /// only centered).</summary>
    public float[] Scale { get; }

    /// <summary>Features per example.</summary>
    public int FeatureCount => Mean.Length;

    /// <summary>
    /// The standardization of <paramref name="data"/>'s features: two passes in double over the rows, each row counted
    /// with its example weight (a row of weight 2 counts as two rows, one of weight 0 not at all), so that the statistics
    /// are those of the examples the loss sees and rows that cannot change the model cannot change its inputs either.
    /// </summary>
    /// <param name="data">The training rows (never the validation rows).</param>
    /// <param name="center">False for scale only (μ = 0), the form sparse rows need.</param>
    public static FeatureStandardization Fit(TrainingData data, bool center = true)
    {
        int f = data.FeatureCount, rows = data.Rows;
        var x = data.Features;
        // All weights zero: nothing is learnt from such data, and unweighted statistics at least keep the inputs finite.
        var weights = data.Weights is { } given && given.Any(w => w > 0f) ? given : null;
        if (data.SparseFeatures != null) throw new InvalidOperationException("Sparse rows are not standardized.");
        double total = 0;
        var mean = new double[f];
        var min = new double[f];
        var max = new double[f];
        Array.Fill(min, double.PositiveInfinity);
        Array.Fill(max, double.NegativeInfinity);
        for (int r = 0; r < rows; r++)
        {
            double w = weights?[r] ?? 1.0;
            if (w == 0) continue;
            total += w;
            var row = x.AsSpan(r * f, f);
            for (int j = 0; j < f; j++)
            {
                double v = row[j];
                mean[j] += w * v;
                if (v < min[j]) min[j] = v;
                if (v > max[j]) max[j] = v;
            }
        }
        for (int j = 0; j < f; j++) mean[j] /= total;
        // Second pass about the mean: no cancellation for features far from zero, unlike Σx² − n·μ².
        var variance = new double[f];
        for (int r = 0; r < rows; r++)
        {
            double w = weights?[r] ?? 1.0;
            if (w == 0) continue;
            var row = x.AsSpan(r * f, f);
            for (int j = 0; j < f; j++)
            {
                double d = row[j] - mean[j];
                variance[j] += w * d * d;
            }
        }
        for (int j = 0; j < f; j++) variance[j] /= total;
        var range = new double[f];
        for (int j = 0; j < f; j++) range[j] = max[j] - min[j];
        return FromMoments(mean, variance, center, range);
    }

    /// <summary>
    /// The standardization of sparse rows, by the statistics of every row (the implied zeros included, weighted as in
    /// <see cref="Fit"/>). A column holding a value in at least <see cref="DenseColumnShare"/> of the rows (a number
    /// concatenated beside a wide one-hot encoding or bag of words) is standardized as a dense feature is, centered and
    /// scaled, when the rows are trained as a table (<paramref name="asATable"/>) or its root mean square exceeds
    /// <see cref="MinimumSparseScale"/> (a deviation above 1, or a mean far from zero): left uncentered, a year or an
    /// amount far from zero would reach the first layer as a large offset of its own, which Adam's small bias steps take
    /// thousands of steps to absorb. Its rows that lack it then store −μ/s (<see cref="Standardize"/>), a handful of
    /// values more per row. Any other column whose deviation exceeds <see cref="MinimumSparseScale"/> is only scaled
    /// (centering would fill every row). Null when that leaves every column as it is (text features), so that such rows
    /// train exactly as they are.
    /// </summary>
    /// <param name="data">The training rows, sparse.</param>
    /// <param name="asATable">Whether the rows are trained as a table (<see cref="MlpDefaults.TrainsSparseRowsAsATable"/>).</param>
    public static FeatureStandardization? FitSparse(TrainingData data, bool asATable)
    {
        var sparse = data.SparseFeatures ?? throw new InvalidOperationException("The rows are not sparse.");
        int f = data.FeatureCount;
        var weights = data.Weights is { } given && given.Any(w => w > 0f) ? given : null;
        double total = 0;
        var mean = new double[f];
        var storedWeight = new double[f];
        var min = new double[f];
        var max = new double[f];
        Array.Fill(min, double.PositiveInfinity);
        Array.Fill(max, double.NegativeInfinity);
        for (int r = 0; r < sparse.Rows; r++)
        {
            double w = weights?[r] ?? 1.0;
            if (w == 0) continue;
            total += w;
            for (int k = sparse.RowStarts[r]; k < sparse.RowStarts[r + 1]; k++)
            {
                int j = sparse.Indices[k];
                double v = sparse.Values[k];
                mean[j] += w * v;
                storedWeight[j] += w;
                min[j] = Math.Min(min[j], v);
                max[j] = Math.Max(max[j], v);
            }
        }
        for (int j = 0; j < f; j++) mean[j] /= total;
        // About the mean, as in Fit: the stored values' squared deviations, and μ² for each implied zero.
        var variance = new double[f];
        for (int r = 0; r < sparse.Rows; r++)
        {
            double w = weights?[r] ?? 1.0;
            if (w == 0) continue;
            for (int k = sparse.RowStarts[r]; k < sparse.RowStarts[r + 1]; k++)
            {
                double d = sparse.Values[k] - mean[sparse.Indices[k]];
                variance[sparse.Indices[k]] += w * d * d;
            }
        }
        var range = new double[f];
        for (int j = 0; j < f; j++)
        {
            variance[j] = (variance[j] + Math.Max(total - storedWeight[j], 0) * mean[j] * mean[j]) / total;
            // The implied zeros count towards the range; a column stored in every row holds none.
            range[j] = storedWeight[j] >= total ? max[j] - min[j] : Math.Max(max[j], 0) - Math.Min(min[j], 0);
        }
        var dense = FromMoments(mean, variance, center: true, range);
        var rare = FromMoments(mean, variance, center: false, minimumScale: MinimumSparseScale);
        var mu = new float[f];
        var scale = new float[f];
        for (int j = 0; j < f; j++)
        {
            // Wider than a table, a column stored in nearly every row is standardized when its values reach beyond 1 on
            // average (root mean square above MinimumSparseScale): a deviation above 1, or a mean far from zero.
            bool asDense = storedWeight[j] >= DenseColumnShare * total
                && (asATable || variance[j] + mean[j] * mean[j] > MinimumSparseScale * MinimumSparseScale);
            mu[j] = asDense ? dense.Mean[j] : 0f;
            scale[j] = (asDense ? dense : rare).Scale[j];
        }
        return scale.Any(v => v != 1f) || mu.Any(m => m != 0f) ? new FeatureStandardization(mu, scale) : null;
    }

    /// <summary>
    /// The standardization of features with these population means and variances (computed however suits the
    /// data's layout, e.g. over the stored values of sparse rows and the implied zeros).
    /// </summary>
    /// <param name="mean">Per-feature mean.</param>
    /// <param name="variance">Per-feature population variance (about the mean).</param>
    /// <param name="center">False for scale only: μ = 0, and a constant feature is left as it is.</param>
    /// <param name="range">Per-feature max − min, for the floor on the scale (<see cref="MinimumScaleOfRange"/>); empty for no floor.</param>
    /// <param name="minimumScale">The least scale of any feature (<see cref="MinimumSparseScale"/> for sparse rows); 0 for none.</param>
    public static FeatureStandardization FromMoments(ReadOnlySpan<double> mean, ReadOnlySpan<double> variance, bool center, ReadOnlySpan<double> range = default,
        double minimumScale = 0)
    {
        var mu = new float[mean.Length];
        var scale = new float[mean.Length];
        for (int j = 0; j < mean.Length; j++)
        {
            double sd = Math.Sqrt(Math.Max(variance[j], 0));
            bool constant = !(sd > ConstantAbsoluteSpread) || sd <= ConstantRelativeSpread * Math.Abs(mean[j]);
            mu[j] = center ? (float)mean[j] : 0f;
            double floor = range.IsEmpty ? 0 : MinimumScaleOfRange * range[j];
            scale[j] = constant ? 1f : (float)Math.Max(Math.Max(sd, floor), minimumScale);
        }
        return new FeatureStandardization(mu, scale);
    }

    /// <summary>Standardizes <paramref name="data"/>'s feature rows, in place where their layout allows: the arrays a fit
    /// read are its own, and a copy of the largest buffer of the fit would double its memory.</summary>
    /// <param name="data">Dense rows, or sparse rows (<see cref="StandardizeSparseRows"/>).</param>
    /// <param name="keepZeros">For dense rows: scale the rows only, x/s, and leave the centering μ/s to the engine as the data's
    /// <see cref="TrainingData.InputOffset"/>: the network sees the same standardized inputs, while rows that are mostly
    /// zeros (images on a blank background, counts) keep them, so its first layer can skip them
    /// (<see cref="ZeroSkipping"/>).</param>
    /// <returns><paramref name="data"/>, standardized in place; or, for sparse rows where a centered column is missing
    /// from some row, new rows that store it there.</returns>
    public TrainingData Standardize(TrainingData data, bool keepZeros = false)
    {
        if (data.SparseFeatures != null) return StandardizeSparseRows(data);
        int f = RequireWidth(data.FeatureCount);
        var x = data.Features;
        var mean = Array.ConvertAll(Mean, m => keepZeros ? 0.0 : m);
        var scale = Array.ConvertAll(Scale, v => (double)v);
        for (int r = 0; r < data.Rows; r++) StandardizeRow(x.AsSpan(r * f, f), mean, scale);
        if (keepZeros)
        {
            var offset = new float[f];
            for (int j = 0; j < f; j++) offset[j] = (float)(Mean[j] / (double)Scale[j]);
            data.InputOffset = offset;
        }
        return data;
    }

    /// <summary>Sparse rows standardized: every stored value becomes (x − μ)/s, computed as <see cref="StandardizeRow"/>
    /// computes it, so the rows hold the bits of the same rows standardized dense. An implied zero of a centered column
    /// (μ ≠ 0) is −μ/s, not zero: the rows that lack such a column get it stored, which only needs new arrays when some
    /// row lacks one (a number concatenated to a one-hot encoding is usually stored in every row).</summary>
    private TrainingData StandardizeSparseRows(TrainingData data)
    {
        var sparse = data.SparseFeatures!;
        RequireWidth(data.FeatureCount);
        int[] centered = CenteredColumns();
        long missing = MissingCenteredValues(sparse, centered);
        if (missing > 0) sparse = WithCenteredColumns(sparse, centered, checked((int)missing));
        var values = sparse.Values;
        var indices = sparse.Indices;
        for (int k = 0; k < values.Length; k++) values[k] = (float)((values[k] - (double)Mean[indices[k]]) / Scale[indices[k]]);
        return ReferenceEquals(sparse, data.SparseFeatures) ? data : new TrainingData(sparse, data.Targets, data.TargetWidth, data.Weights);
    }

    /// <summary>The values the new rows <see cref="Standardize"/> makes for <paramref name="data"/> store: 0 when it
    /// standardizes in place (dense rows, or sparse rows that store every centered column), else the non-zeros and the
    /// centered values stored where rows lack them. The caller checks the memory for them before they are made.</summary>
    public long CopiedNonZeros(TrainingData data)
    {
        if (data.SparseFeatures is not { } sparse) return 0;
        RequireWidth(data.FeatureCount);
        long missing = MissingCenteredValues(sparse, CenteredColumns());
        return missing == 0 ? 0 : sparse.NonZeroCount + missing;
    }

    // The columns standardization centers (μ ≠ 0), ascending.
    private int[] CenteredColumns() => [.. Enumerable.Range(0, FeatureCount).Where(j => Mean[j] != 0f)];

    // The implied zeros of centered columns, which standardized sparse rows must store.
    private static long MissingCenteredValues(SparseRows sparse, int[] centered)
    {
        if (centered.Length == 0) return 0;
        long missing = 0;
        for (int r = 0; r < sparse.Rows; r++) missing += centered.Length - CenteredStored(sparse, r, centered);
        return missing;
    }

    // How many of the (ascending) centered columns row r stores.
    private static int CenteredStored(SparseRows sparse, int r, int[] centered)
    {
        int found = 0, c = 0;
        for (int k = sparse.RowStarts[r]; k < sparse.RowStarts[r + 1] && c < centered.Length; k++)
        {
            while (c < centered.Length && centered[c] < sparse.Indices[k]) c++;
            if (c < centered.Length && centered[c] == sparse.Indices[k]) { found++; c++; }
        }
        return found;
    }

    // The rows with a stored zero at every centered column a row lacks (standardized with the rest afterwards), columns
    // still ascending: a merge of each row's columns with the centered ones.
    private static SparseRows WithCenteredColumns(SparseRows sparse, int[] centered, int missing)
    {
        var starts = new int[sparse.Rows + 1];
        var indices = new int[sparse.NonZeroCount + missing];
        var values = new float[indices.Length];
        int at = 0;
        for (int r = 0; r < sparse.Rows; r++)
        {
            int k = sparse.RowStarts[r], end = sparse.RowStarts[r + 1], c = 0;
            while (k < end || c < centered.Length)
            {
                if (c < centered.Length && (k == end || centered[c] < sparse.Indices[k]))
                {
                    indices[at] = centered[c++];
                    values[at++] = 0f;
                    continue;
                }
                if (c < centered.Length && centered[c] == sparse.Indices[k]) c++;
                indices[at] = sparse.Indices[k];
                values[at++] = sparse.Values[k++];
            }
            starts[r + 1] = at;
        }
        return new SparseRows(sparse.Columns, starts, indices, values);
    }

    // x ← (float)((x − μ)/s) in double, as vectors where the machine has them: widening, the difference, the quotient
    // and the narrowing are each one IEEE operation per element, so every width gives the scalar loop's bits.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StandardizeRow(Span<float> row, double[] mean, double[] scale)
    {
        int f = row.Length, j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= f - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                var (low, high) = Vector256.Widen(Vector256.Create<float>(row.Slice(j)));
                low = (low - Vector256.Create<double>(mean.AsSpan(j))) / Vector256.Create<double>(scale.AsSpan(j));
                high = (high - Vector256.Create<double>(mean.AsSpan(j + 4))) / Vector256.Create<double>(scale.AsSpan(j + 4));
                Vector256.Narrow(low, high).CopyTo(row.Slice(j));
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; j <= f - Vector128<float>.Count; j += Vector128<float>.Count)
            {
                var (low, high) = Vector128.Widen(Vector128.Create<float>(row.Slice(j)));
                low = (low - Vector128.Create<double>(mean.AsSpan(j))) / Vector128.Create<double>(scale.AsSpan(j));
                high = (high - Vector128.Create<double>(mean.AsSpan(j + 2))) / Vector128.Create<double>(scale.AsSpan(j + 2));
                Vector128.Narrow(low, high).CopyTo(row.Slice(j));
            }
        }
        for (; j < f; j++) row[j] = (float)((row[j] - mean[j]) / scale[j]);
    }

    /// <summary>
    /// A copy of <paramref name="network"/> (trained on standardized features) that computes the same on raw features:
    /// the standardization folded into its first dense layer, in double.
    /// </summary>
    public Network Fold(Network network)
    {
        var copy = network.Clone();
        Transform(copy, unfold: false);
        return copy;
    }

    /// <summary>Turns <paramref name="network"/>, which computes on raw features, into one for standardized features
    /// (the inverse of <see cref="Fold"/>, up to float rounding), in place: a warm start from a model without its
    /// training state trains on standardized features too.</summary>
    public void UnfoldInPlace(Network network) => Transform(network, unfold: true);

    private void Transform(Network network, bool unfold)
    {
        RequireWidth(network.InputSize);
        if (network.Layers[0] is not DenseLayer first)
            throw new NotSupportedException($"Feature standardization folds into a first dense layer, but the network starts with {network.Layers[0]}.");
        int units = first.Units, f = FeatureCount;
        // The layer's read-only views are slices of the network's flat parameter buffer, which the fold rewrites; only
        // while a sparse Fit holds the layer input-major is Weights a copy, and models are handed out only after it.
        if (first.InputMajor) throw new InvalidOperationException("The first layer is held input-major by a running Fit on sparse rows.");
        var weights = Writable(first.Weights);
        var bias = Writable(first.Bias);
        for (int u = 0; u < units; u++)
        {
            var w = weights.Slice(u * f, f);
            double shift = 0;
            for (int j = 0; j < f; j++)
            {
                double s = Scale[j], wj = w[j];
                if (unfold)
                {
                    // Raw weight w: the standardized weight is w·s, and the bias takes back μ·w.
                    shift += Mean[j] * wj;
                    w[j] = (float)(wj * s);
                }
                else
                {
                    shift -= Mean[j] / s * wj;
                    w[j] = (float)(wj / s);
                }
            }
            bias[u] = (float)(bias[u] + shift);
        }
    }

    private static Span<float> Writable(ReadOnlyMemory<float> view)
        => MemoryMarshal.TryGetArray(view, out var segment) ? segment.AsSpan() : throw new InvalidOperationException("A layer's parameters are not held in an array.");

    private int RequireWidth(int features) => features == FeatureCount ? features
        : throw new ArgumentException($"The standardization covers {FeatureCount} features but the data or network has {features}.", nameof(features));
}
