using System.Globalization;
using Microsoft.ML;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Tasks;
using MLNet.Mlp.Trainers;

using MLNet.Mlp.Training;

namespace MLNet.Mlp.Fitting;

/// <summary>
/// The memory one <c>Fit</c> needs, estimated from the options and the schema before anything is allocated, and the
/// refusal, with an <see cref="InsufficientMemoryException"/>, of a fit that cannot have it. Every array the fit keeps
/// is counted, in floats of 4 bytes:
/// <list type="bullet">
/// <item>the data as read, N × (F + T + w), the training and validation parts a validation fraction copies out of it
/// (N × (F + T + w) again), a separate validation set, V × (F + T + w), and standardized regression labels, (N + V) × T;</item>
/// <item>per training row, the epoch's outputs, targets and weights kept for the training metric and the shuffle
/// order, Nₜ × (K + T + w + 1); per validation row, its outputs, V × K;</item>
/// <item>the parameters and their gradients, 2P, and the batch-norm statistics S;</item>
/// <item>the optimizer state, B × P (B buffers per parameter, as the optimizer's <see cref="IOptimizer.CreateState"/>
/// says), and P more when the optimizer runs links one after another on a copy of the gradient;</item>
/// <item>the copies training keeps: the divergence guard's state of the last completed epoch, P + S + B × P (a diverged
/// run's model is made from it; none for lazy sparse steps without batch norm, which never write a non-finite weight), and the best epoch's weights when early stopping restores them, P + S;</item>
/// <item>for sparse features (a column of at least <see cref="DataViewReader.SparseMinFeatures"/> features whose rows
/// are sparse), the data as Z non-zeros per row, 2Z + 1 per row in place of F, and per batch the column marks, F, and
/// the lazy update's compact copies of the touched columns, chunk by chunk, (2 + B) × units × min(F, b × (2Z + 1), 256),
/// and of the later parameters, (2 + B) × (P − units × F);</item>
/// <item>with standardized (dense) features, the model handed out: a network folded from the trained one, 2P + S;</item>
/// <item>once sparse rows are read and standardized (<see cref="StandardizedSparseParts"/>): the folded model, 2P + S, and
/// when some rows lack a centered column, their standardized copy, which stores it there, 2 × (the non-zeros + those
/// values) + rows + 1;</item>
/// <item>the batch buffers for b = min(BatchSize, Nₜ) rows, b × (Σ layer outputs + Σ layer caches + 2 × widest + F + T + w),
/// and the validation chunk's, c × (Σ outputs + Σ caches + 2 × widest) for c = min(V, 256).</item>
/// </list>
/// Here N is the rows read, Nₜ and V the training and validation rows, F the features, T the target values per row,
/// w 1 with example weights and 0 without, K the outputs and P the parameters. Each array must also fit .NET's
/// single-array limit. The arithmetic saturates at <see cref="long.MaxValue"/>: no size overflows.
/// </summary>
/// <remarks>
/// The available memory is <see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/> (the GC heap hard limit, the
/// container's limit or the physical memory) minus the managed heap in use when the fit starts. That baseline is taken
/// once, so the data the fit reads is not counted twice; and before a fit is refused on it, it is measured again after
/// a full collection, so garbage left by earlier work does not refuse a fit that fits. Other processes' memory is not
/// seen: the check refuses what cannot fit, it does not promise that the rest does.
/// </remarks>
internal sealed class MemoryEstimate
{
    /// <summary>One contributor to the estimate.</summary>
    /// <param name="Name">What it is, for messages.</param>
    /// <param name="Bytes">Its bytes.</param>
    /// <param name="LargestArray">The values of its largest single array (checked against the array limit).</param>
    /// <param name="Remedies">The options, or the change to the data, that make it smaller.</param>
    public sealed record Part(string Name, long Bytes, long LargestArray, params string[] Remedies);

    private const string DataRemedy = "the rows or features of the data (train on a sample)";
    private const string ValidationRemedy = "the rows of the validation data";
    private const string LayersRemedy = nameof(MlpOptionsBase.HiddenLayers);
    private const string OptimizerRemedy = nameof(MlpOptionsBase.Optimizer);

    private readonly int _features, _targets, _outputs;
    private readonly bool _weights, _standardizes, _foldsFeatures, _separateValidation, _restoresBestWeights, _copiesGradient;
    private readonly float? _validationFraction;
    private readonly MlpOptionsBase _options;
    private readonly (LayerShape Shape, string Name)[] _layers;
    private readonly int _widest;
    private readonly long _parameters, _state;
    private readonly int _optimizerBuffers;
    private readonly string _optimizerName, _architecture;
    private readonly long? _availableOverride;
    private readonly long _limit;
    private long _inUse;
    private bool _inUseCollected;

    // Whether sparse training would take lazy steps, which keep no divergence snapshot (see TrainingRun).
    private readonly bool _lazySparse;

    private MemoryEstimate(MlpOptionsBase o, int features, LabelShape label, bool separateValidation, IReadOnlyList<Layer> layers, Training.TrainingOptions engine)
    {
        var optimizer = engine.Optimizer;
        _lazySparse = !o.BatchNormalization && Training.LazyFirstLayerUpdate.Supports(optimizer, engine.GradientTransforms, out _);
        _features = features;
        _targets = label.TargetWidth;
        _outputs = label.OutputCount;
        _weights = o.ExampleWeightColumnName != null || o.ExampleWeightsByClass != null;
        _standardizes = o.StandardizesLabels;
        _foldsFeatures = o.StandardizeFeatures;
        _separateValidation = separateValidation;
        _validationFraction = separateValidation ? null : o.ValidationFraction;
        _options = o;
        _restoresBestWeights = o.EarlyStopping is { RestoreBestWeights: true };
        _layers = new (LayerShape, string)[layers.Count];
        int width = features;
        // As the workspace: the gradient buffers never hold the network's inputs.
        _widest = 1;
        for (int i = 0; i < layers.Count; i++)
        {
            var shape = layers[i].ShapeFor(width);
            _layers[i] = (shape, layers[i].ToString());
            _parameters = Add(_parameters, Add(shape.Weights, shape.OtherParameters));
            _state = Add(_state, shape.State);
            width = shape.OutputSize;
            _widest = Math.Max(_widest, width);
        }
        _architecture = features.ToString(CultureInfo.InvariantCulture) + " → " + string.Join(" → ", _layers.Select(l => l.Name));
        // The trainer asks the same question when it decides whether a saved state continues (a zero-length state costs nothing).
        _optimizerBuffers = optimizer.CreateState(0).BufferCount;
        _optimizerName = optimizer.Name;
        _copiesGradient = optimizer is GradientTransformationChain { LinksRunOneByOne: > 0 };
        _availableOverride = o.AvailableMemoryBytes;
        if (_availableOverride is null)
        {
            _limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            _inUse = GC.GetTotalMemory(forceFullCollection: false);
        }
    }

    /// <summary>The estimate of a fit with <paramref name="options"/> on data of <paramref name="schema"/>.</summary>
    /// <param name="options">The trainer's options.</param>
    /// <param name="head">The task.</param>
    /// <param name="schema">The training data's schema (the feature width and the label's shape come from it).</param>
    /// <param name="separateValidation">Whether the fit was given a validation data view.</param>
    public static MemoryEstimate For(MlpOptionsBase options, MlpTaskHead head, DataViewSchema schema, bool separateValidation)
    {
        int features = DataViewReader.FeatureCount(schema, options.FeatureColumnName);
        var label = head.ReadLabelShape(schema, options.LabelColumnName);
        var layers = NetworkBuilder.Layers(options, head, label.OutputCount);
        return new MemoryEstimate(options, features, label, separateValidation, layers, EngineTrainingOptions.From(options, head, trainingRows: 1, sparseFeatures: features >= DataViewReader.SparseMinFeatures ? features : null, firstStep: 0, static _ => { }));
    }

    /// <summary>The estimate for explicit shapes (tests).</summary>
    internal static MemoryEstimate For(MlpOptionsBase options, MlpTaskHead head, int features, LabelShape label, bool separateValidation)
        => new(options, features, label, separateValidation, NetworkBuilder.Layers(options, head, label.OutputCount),
            EngineTrainingOptions.From(options, head, trainingRows: 1, sparseFeatures: features >= DataViewReader.SparseMinFeatures ? features : null, firstStep: 0, static _ => { }));

    private double? _nonZerosPerRow;

    /// <summary>Whether the features are wide enough for the reader to keep them sparse (<see cref="DataViewReader.SparseMinFeatures"/>).</summary>
    public bool MayReadSparse => _features >= DataViewReader.SparseMinFeatures;

    /// <summary>
    /// Counts the data as sparse rows of <paramref name="nonZerosPerRow"/> stored values on average (a column index and
    /// a value each, 8 bytes, and a row offset), as the reader keeps a sparse feature column, instead of every feature;
    /// null counts dense rows again.
    /// </summary>
    public void UseSparseRows(double? nonZerosPerRow) => _nonZerosPerRow = nonZerosPerRow is double nz ? Math.Max(1, nz) : null;

    /// <summary>The parameters of the network the options describe.</summary>
    public long ParameterCount => _parameters;

    /// <summary>
    /// The bytes the fit may use: <see cref="MlpOptionsBase.AvailableMemoryBytes"/> when set, else the GC's limit minus
    /// the heap in use when the fit started.
    /// </summary>
    public long AvailableBytes => _availableOverride ?? Math.Max(0, _limit - _inUse);

    /// <summary>The contributors for <paramref name="rows"/> rows read, in the order of the type's summary.</summary>
    /// <param name="rows">The rows read from the training view (an upper bound while reading).</param>
    /// <param name="validationRows">The rows of a separate validation view (0 when none or not yet known).</param>
    /// <param name="rowsFinal">Whether <paramref name="rows"/> is the final count: only then is the batch cut to the rows.</param>
    public IReadOnlyList<Part> Parts(long rows, long validationRows, bool rowsFinal)
    {
        long featureFloats = _nonZerosPerRow is double nz ? (long)Math.Ceiling(2 * nz) + 1 : _features;
        long rowWidth = featureFloats + _targets + (_weights ? 1 : 0);
        // The largest feature array per row: every feature dense, the non-zeros (indices or values) sparse.
        long featureArray = _nonZerosPerRow is double z ? (long)Math.Ceiling(z) : _features;
        // Without a fraction set, the part a run on sparse rows holds out by default.
        var fraction = _validationFraction ?? (_separateValidation ? null : ValidationSet.DefaultFraction(_options, rows, _nonZerosPerRow != null));
        long validation = fraction is float f ? (long)Math.Round(rows * (double)f) : _separateValidation ? validationRows : 0;
        long training = fraction is null ? rows : rows - validation;
        // The default batch grows with the rows: while reading, the upper bound's bounds it, and is never counted below
        // the usual 32, so that the estimate grows by the rows alone. Once the rows are known any batch is cut to them.
        int batch = EngineTrainingOptions.BatchSizeOf(_options, (int)Math.Clamp(training, 1, int.MaxValue));
        if (rowsFinal && training > 0) batch = (int)Math.Min(batch, training);
        else if (!rowsFinal && _options.BatchSize is null) batch = Math.Max(batch, TrainingDefaults.BatchSize);
        long p = _parameters, s = _state, b = _optimizerBuffers;
        var parts = new List<Part>
        {
            new($"training data ({rows:N0} rows × ({_features:N0} features + {_targets} target(s)" + (_weights ? " + a weight" : "") + "))",
                Floats(Mul(rows, rowWidth)), Mul(rows, featureArray), DataRemedy),
        };
        if (fraction != null)
            parts.Add(new("training and validation parts split from it (ValidationFraction)", Floats(Mul(rows, rowWidth)), Mul(training, featureArray), DataRemedy));
        if (_separateValidation && validation > 0)
            parts.Add(new($"validation data ({validation:N0} rows)", Floats(Mul(validation, rowWidth)), Mul(validation, featureArray), ValidationRemedy));
        if (_standardizes)
            parts.Add(new("standardized labels", Floats(Mul(Add(training, validation), _targets)), Mul(Math.Max(training, validation), _targets), DataRemedy));
        parts.Add(new("epoch outputs for the training metric and the shuffle order", Floats(Mul(training, _outputs + _targets + (_weights ? 1 : 0) + 1)),
            Mul(training, Math.Max(_outputs, _targets)), DataRemedy));
        if (validation > 0)
            parts.Add(new("validation outputs", Floats(Mul(validation, _outputs)), Mul(validation, _outputs), ValidationRemedy));
        parts.Add(new($"parameters and gradients of {_architecture} ({p:N0} parameters)", Floats(Add(Mul(2, p), s)), Math.Max(p, s), LayersRemedy));
        if (b > 0)
            parts.Add(new($"optimizer state ({_optimizerName}, {b} value(s) per parameter)", Floats(Mul(b, p)), p, LayersRemedy, OptimizerRemedy));
        if (_copiesGradient)
            parts.Add(new($"optimizer update copy ({_optimizerName})", Floats(p), p, LayersRemedy, OptimizerRemedy));
        if (_nonZerosPerRow is null || !_lazySparse)
            parts.Add(new("divergence guard's copy of the last completed epoch", Floats(Add(Mul(1 + b, p), s)), Math.Max(p, s), LayersRemedy));
        if (_foldsFeatures && _nonZerosPerRow is null)
            parts.Add(new("the model for raw features, folded from the trained network (StandardizeFeatures)", Floats(Add(Mul(2, p), s)), Math.Max(p, s), LayersRemedy));
        if (_restoresBestWeights)
            parts.Add(new("best epoch's weights (EarlyStopping.RestoreBestWeights)", Floats(Add(p, s)), Math.Max(p, s), LayersRemedy, "EarlyStopping.RestoreBestWeights"));
        var (batchFloats, batchLargest) = Workspace(batch);
        long batchInputs = Mul(batch, rowWidth);
        if (_nonZerosPerRow != null && _layers.Length > 0)
        {
            // The sparse batch's column marks, and the lazy update's compact copies of the touched columns' weights,
            // gradients and optimizer state (at most a batch's non-zeros, or a chunk, per unit) and of the later parameters.
            long touched = Math.Min(Math.Min(_features, Mul(batch, featureFloats)), Training.LazyFirstLayerUpdate.MaxChunkRows);
            long firstLayer = _layers[0].Shape.Weights;
            batchInputs = Add(Add(Add(batchInputs, _features), Mul(Mul(2 + b, touched), _layers[0].Shape.OutputSize)), Mul(2 + b, p - firstLayer));
        }
        parts.Add(new($"batch buffers ({batch:N0} rows)", Floats(Add(batchFloats, batchInputs)), batchLargest,
            nameof(MlpOptionsBase.BatchSize), LayersRemedy));
        if (validation > 0)
        {
            var (chunkFloats, chunkLargest) = Workspace((int)Math.Min(validation, Network.InferenceChunk));
            parts.Add(new("validation chunk buffers", Floats(chunkFloats), chunkLargest, LayersRemedy));
        }
        return parts;
    }

    /// <summary>The sum of <see cref="Parts"/>, saturating.</summary>
    public static long Total(IReadOnlyList<Part> parts)
    {
        long total = 0;
        foreach (var part in parts) total = Add(total, part.Bytes);
        return total;
    }

    /// <summary>Refuses the fit when the estimate for these rows exceeds the available memory or an array exceeds .NET's limit.</summary>
    /// <param name="rows">The rows of the training view (0 when not known yet).</param>
    /// <param name="validationRows">The rows of a separate validation view (0 when none or not known yet).</param>
    /// <param name="rowsFinal">Whether <paramref name="rows"/> is the final count.</param>
    /// <param name="source">Where the row count comes from ("the data view reports", "read so far"), for the message.</param>
    /// <exception cref="InsufficientMemoryException">The fit cannot fit.</exception>
    /// <param name="extra">Parts known only once the data is read (<see cref="StandardizedSparseParts"/>), or null.</param>
    public void Require(long rows, long validationRows, bool rowsFinal, string source, IReadOnlyList<Part>? extra = null)
    {
        var parts = Parts(rows, validationRows, rowsFinal);
        if (extra != null) parts = [.. parts, .. extra];
        long needed = Total(parts);
        var tooLarge = parts.FirstOrDefault(p => p.LargestArray > Array.MaxLength);
        if (tooLarge is null && needed <= AvailableBytes) return;
        if (tooLarge is null && _availableOverride is null && !_inUseCollected)
        {
            // About to refuse: measure the heap again without its garbage (a full collection, on this path only).
            _inUse = GC.GetTotalMemory(forceFullCollection: true);
            _inUseCollected = true;
            if (needed <= AvailableBytes) return;
        }
        throw new InsufficientMemoryException(Describe(parts, needed, tooLarge, rows, source));
    }

    /// <summary>
    /// The parts standardizing sparse rows adds, known only once they are read, for <see cref="Require"/>: the model
    /// handed out, folded from the trained network (<see cref="Parts"/> counts it for dense rows alone, since text is
    /// left unstandardized), 2P + S; and, when some rows lack a centered column, the new arrays made beside the rows as
    /// read to store it there (<see cref="FeatureStandardization.CopiedNonZeros"/>), a column index and a value per
    /// stored value and an offset per row.
    /// </summary>
    /// <param name="copies">The stored values and the rows of each copy (training, validation); copies of 0 values are none.</param>
    public IReadOnlyList<Part> StandardizedSparseParts(params (long NonZeros, long Rows)[] copies)
    {
        var parts = new List<Part>
        {
            new("the model for raw features, folded from the trained network (StandardizeFeatures)", Floats(Add(Mul(2, _parameters), _state)),
                Math.Max(_parameters, _state), LayersRemedy, nameof(MlpOptionsBase.StandardizeFeatures)),
        };
        long floats = 0, largest = 0;
        foreach (var (nonZeros, rows) in copies.Where(c => c.NonZeros > 0))
        {
            floats = Add(floats, Add(Mul(2, nonZeros), rows + 1));
            largest = Math.Max(largest, nonZeros);
        }
        if (floats > 0)
            parts.Add(new("sparse rows with their centered columns stored (StandardizeFeatures), made beside the rows as read",
                Floats(floats), largest, nameof(MlpOptionsBase.StandardizeFeatures), DataRemedy));
        return parts;
    }

    /// <summary>The row budget of the training read: the rows the memory holds, and the check as they grow.</summary>
    public DataViewReader.IRowBudget ForTraining() => new RowBudget(this, n => (n, 0), trainingRowsFinal: false);

    /// <summary>The row budget of the validation read, after <paramref name="trainingRows"/> training rows were read.</summary>
    public DataViewReader.IRowBudget ForValidation(long trainingRows) => new RowBudget(this, n => (trainingRows, n), trainingRowsFinal: true);

    private string Describe(IReadOnlyList<Part> parts, long needed, Part? tooLarge, long rows, string source)
    {
        var largest = parts.OrderByDescending(p => p.Bytes).Take(3).ToArray();
        string contributors = string.Join("; ", largest.Select(p => $"{p.Name}: {p.Bytes:N0} bytes"));
        string remedies = Either(largest.SelectMany(p => p.Remedies).Distinct().ToArray());
        string rowsText = rows > 0 ? $" for {rows:N0} rows ({source})" : " before any row is read";
        string memory = $"Training needs an estimated {needed:N0} bytes of memory{rowsText}, and {AvailableBytes:N0} bytes are available. "
            + $"Largest parts: {contributors}. The training data as read takes {parts[0].Bytes:N0} bytes of it.";
        return tooLarge is not null
            ? $"{memory} The {tooLarge.Name} needs an array of {tooLarge.LargestArray:N0} values, more than .NET's limit of {Array.MaxLength:N0} values in one array. "
              + $"Change {Either(tooLarge.Remedies)}."
            : $"{memory} Change {remedies}, or run with more memory.";
    }

    private static string Either(string[] choices)
        => choices.Length == 1 ? choices[0] : string.Join(", ", choices[..^1]) + " or " + choices[^1];

    private (long Floats, long Largest) Workspace(int rows)
    {
        long floats = Mul(Mul(2, rows), _widest), largest = Mul(rows, _widest);
        foreach (var (shape, _) in _layers)
        {
            long outputs = Mul(rows, shape.OutputSize);
            long cache = Add(Mul(rows, shape.CachePerRow), shape.CacheFixed);
            floats = Add(floats, Add(outputs, cache));
            largest = Math.Max(largest, Math.Max(outputs, cache));
        }
        return (floats, largest);
    }

    private static long Floats(long count) => Mul(count, sizeof(float));

    // Saturating: an absurd size stays a large number for the comparison instead of overflowing.
    private static long Mul(long a, long b) => a == 0 || b == 0 ? 0 : a > long.MaxValue / b ? long.MaxValue : a * b;

    private static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    /// <summary>The reader's view of the estimate: the rows it may hold, and the check at every growth.</summary>
    private sealed class RowBudget(MemoryEstimate estimate, Func<long, (long Training, long Validation)> rowsOf, bool trainingRowsFinal)
        : DataViewReader.IRowBudget
    {
        public long MaxRows
        {
            get
            {
                // The estimate is linear in the rows while the batch is BatchSize: cap growth at what remains after the fixed part.
                const long Probe = 1 << 20;
                long fixedBytes = Bytes(0), perRow = Math.Max(1, (Bytes(Probe) - fixedBytes) / Probe);
                return Math.Max(1, (estimate.AvailableBytes - fixedBytes) / perRow);
            }
        }

        public void Require(long rows, string source)
        {
            var (training, validation) = rowsOf(rows);
            estimate.Require(training, validation, trainingRowsFinal, source);
        }

        private long Bytes(long rows)
        {
            var (training, validation) = rowsOf(rows);
            return Total(estimate.Parts(training, validation, trainingRowsFinal));
        }
    }
}
