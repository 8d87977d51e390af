using System.Runtime.CompilerServices;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Optimizers;

namespace MLNet.Mlp.Training;

/// <summary>
/// A lazy optimizer step for a network whose first layer reads sparse rows, after TensorFlow's LazyAdam: the
/// first layer's weights W[·, j] of the feature columns j the batch touched, their optimizer state, and every other
/// parameter (the first layer's bias and the later layers) are updated; the weights and the optimizer state of the
/// untouched columns are left exactly as they are — their moments do not decay, weight decay does not reach them —
/// and the step count t of bias correction stays global. A dense step would sweep every weight of a first layer with
/// 10⁵–10⁶ inputs each batch; this one costs units × touched columns.
/// </summary>
/// <remarks>
/// <para>The first layer is held input-major during the run (<see cref="DenseLayer.InputMajor"/>), so a touched
/// column's weights are one contiguous row. The step runs the optimizer's ordinary update on compact copies: the
/// touched rows of the parameters, gradients and optimizer buffers, gathered a bounded chunk of rows at a time (as
/// weights, so weight decay reaches them), and the later parameters ([later weights | biases], as the network lays
/// them out), then scatters the parameters and the state back. The arithmetic of each element is the dense update's,
/// so the result is exactly that of a dense step in which the untouched columns' parameters and state are held back;
/// with plain SGD (no momentum, no decay) it is the dense step itself, since the untouched gradients are zero. The
/// chunks keep the copies to a few megabytes however many columns a batch of long documents touches.</para>
/// <para>Only element-wise optimizers can be lazy: the chain's links must each act on one parameter at a time
/// (Adam, AdamW, AMSGrad, SGD, momentum, Nesterov, RMSProp, Adagrad, value clipping, L2 and decoupled decay), and no
/// gradient transform may run over the whole gradient (gradient-norm clipping, L2 regularization): otherwise the
/// trainer falls back to the dense step, which sees the same gradients (zero in the untouched columns).</para>
/// </remarks>
internal sealed class LazyFirstLayerUpdate
{
    /// <summary>The most weight rows one chunk copies: 256 rows of 128 units are 128 KB a buffer, so that a chunk's copies
    /// stay in the core's cache between the gather, the update and the scatter.</summary>
    public const int MaxChunkRows = 256;

    // The fewest rows a chunk's copies cover: a chunk with fewer touched rows pads up to it.
    private const int MinChunkRows = 64;

    private readonly Network _network;
    private readonly int _units, _firstWeights, _tail, _decayedRest, _chunkRows;
    // One chunk of first-layer rows, and the later parameters, each with its own compact state.
    private readonly float[] _parameters, _gradients, _tailParameters, _tailGradients;
    private readonly OptimizerState _chunkState, _tailState;
    // Per power-of-two row count, a state over the prefix of _chunkState's buffers that many rows need: a chunk's work
    // follows the rows it holds (at most twice as many), and no step allocates once every size has been seen.
    private readonly OptimizerState?[] _prefixes = new OptimizerState?[32];

    /// <param name="network">The network; its first layer is a dense layer held input-major.</param>
    /// <param name="optimizer">The optimizer (element-wise: see <see cref="Supports"/>).</param>
    /// <param name="maxTouched">The most columns a batch touches.</param>
    /// <param name="chunkRows">The most weight rows one chunk copies, a power of two (tests take small chunks).</param>
    public LazyFirstLayerUpdate(Network network, IOptimizer optimizer, int maxTouched, int chunkRows = MaxChunkRows)
    {
        _network = network;
        var first = (DenseLayer)network.Layers[0];
        if (!first.InputMajor) throw new InvalidOperationException("The lazy sparse step needs the first layer held input-major.");
        _units = first.Units;
        _firstWeights = _units * network.InputSize;
        _tail = network.ParameterCount - _firstWeights;
        _decayedRest = network.DecayedParameterCount - _firstWeights;
        if (!System.Numerics.BitOperations.IsPow2(chunkRows)) throw new ArgumentOutOfRangeException(nameof(chunkRows), chunkRows, "The chunk size must be a power of two.");
        _chunkRows = (int)Math.Min(chunkRows, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(MinChunkRows, maxTouched)));
        _parameters = new float[_chunkRows * _units];
        _gradients = new float[_parameters.Length];
        _chunkState = optimizer.CreateState(_parameters.Length);
        _tailParameters = new float[_tail];
        _tailGradients = new float[_tail];
        _tailState = optimizer.CreateState(_tail);
    }

    /// <summary>
    /// Whether a step with <paramref name="optimizer"/> after <paramref name="transforms"/> can be lazy; when not,
    /// <paramref name="reason"/> names what prevents it.
    /// </summary>
    public static bool Supports(IOptimizer optimizer, IReadOnlyList<IGradientTransform> transforms, out string reason)
    {
        if (transforms.Count > 0)
        {
            reason = $"the gradient transform {transforms[0].Name} acts on every parameter";
            return false;
        }
        if (optimizer is not GradientTransformationChain chain)
        {
            reason = $"the optimizer {optimizer.Name} is not a chain of element-wise links";
            return false;
        }
        foreach (var link in chain.Links)
        {
            if (link is not (ScaleByAdam or ScaleByLearningRate or L2Regularization or WeightDecay or MomentumTrace or ScaleByRms
                or ScaleByRootSumOfSquares or ClipByValue))
            {
                reason = $"the optimizer's link {link.Name} is not element-wise";
                return false;
            }
        }
        reason = "";
        return true;
    }

    /// <summary>Whether every gradient the step reads is finite: those of <paramref name="batch"/>'s columns and of every
    /// later parameter (all the others are zero).</summary>
    public bool GradientsAreFinite(SparseBatch batch)
    {
        var gradients = _network.GradientArray.AsSpan();
        foreach (int column in batch.Touched.AsSpan(0, batch.TouchedCount))
            if (Numerics.Elementwise.FiniteCheck.IndexOfNonFinite(gradients.Slice(column * _units, _units)) >= 0) return false;
        return Numerics.Elementwise.FiniteCheck.IndexOfNonFinite(gradients.Slice(_firstWeights, _tail)) < 0;
    }

    /// <summary>Updates the parameters of <paramref name="batch"/>'s columns and every later parameter with
    /// <paramref name="optimizer"/> as step <paramref name="step"/>, writing them and their optimizer state back part by
    /// part; false when an updated parameter is not finite. That part and every later one are then not written back:
    /// every weight stays finite, and the parts written before it (the later layers first) hold this step's update.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Update(IOptimizer optimizer, OptimizerState state, SparseBatch batch, float learningRate, long step, int maxThreads)
    {
        float[] parameters = _network.ParameterArray, gradients = _network.GradientArray;
        parameters.AsSpan(_firstWeights, _tail).CopyTo(_tailParameters);
        gradients.AsSpan(_firstWeights, _tail).CopyTo(_tailGradients);
        for (int b = 0; b < state.BufferCount; b++) state.Buffer(b).Slice(_firstWeights, _tail).CopyTo(_tailState.Buffer(b));
        optimizer.Update(_tailParameters, _tailGradients, _tailState, new OptimizerStep(learningRate, step, _decayedRest) { MaxThreads = maxThreads });
        if (Numerics.Elementwise.FiniteCheck.IndexOfNonFinite(_tailParameters) >= 0) return false;
        _tailParameters.CopyTo(parameters.AsSpan(_firstWeights, _tail));
        for (int b = 0; b < state.BufferCount; b++) _tailState.Buffer(b).CopyTo(state.Buffer(b).Slice(_firstWeights, _tail));

        var touched = batch.Touched.AsSpan(0, batch.TouchedCount);
        for (int start = 0; start < touched.Length; start += _chunkRows)
        {
            var rows = touched.Slice(start, Math.Min(_chunkRows, touched.Length - start));
            int padded = Math.Min(_chunkRows, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(MinChunkRows, rows.Length)));
            int length = padded * _units;
            var chunkState = _prefixes[System.Numerics.BitOperations.Log2((uint)padded)] ??= _chunkState.Prefix(length);
            GatherInto(parameters, _parameters.AsSpan(0, length), rows);
            GatherInto(gradients, _gradients.AsSpan(0, length), rows);
            for (int b = 0; b < state.BufferCount; b++) GatherInto(state.Buffer(b), chunkState.Buffer(b), rows);
            optimizer.Update(_parameters.AsSpan(0, length), _gradients.AsSpan(0, length), chunkState,
                new OptimizerStep(learningRate, step, length) { MaxThreads = maxThreads });
            if (Numerics.Elementwise.FiniteCheck.IndexOfNonFinite(_parameters.AsSpan(0, length)) >= 0) return false;
            ScatterFrom(_parameters, parameters, rows);
            for (int b = 0; b < state.BufferCount; b++) ScatterFrom(chunkState.Buffer(b), state.Buffer(b), rows);
        }
        return true;
    }

    // A chunk's compact layout: its touched columns' weight rows in order, then zero rows up to the padded count (a zero
    // parameter with a zero gradient and zero state stays zero under every element-wise update).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void GatherInto(ReadOnlySpan<float> full, Span<float> compact, ReadOnlySpan<int> rows)
    {
        int units = _units;
        for (int t = 0; t < rows.Length; t++) full.Slice(rows[t] * units, units).CopyTo(compact.Slice(t * units, units));
        compact.Slice(rows.Length * units).Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScatterFrom(ReadOnlySpan<float> compact, Span<float> full, ReadOnlySpan<int> rows)
    {
        int units = _units;
        for (int t = 0; t < rows.Length; t++) compact.Slice(t * units, units).CopyTo(full.Slice(rows[t] * units, units));
    }
}
