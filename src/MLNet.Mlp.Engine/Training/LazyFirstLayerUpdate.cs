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
/// column's weights are one contiguous row. The step gathers those rows of the parameters, gradients and optimizer
/// buffers into compact arrays laid out as the network's own ([first-layer weights | later weights | biases], so
/// weight decay still reaches the weights only), runs the optimizer's ordinary update on them, and scatters the
/// parameters and the state back. The arithmetic of each element is the dense update's, so the result is exactly that of a dense step in which
/// the untouched columns' parameters and state are held back; with plain SGD (no momentum, no decay) it is the dense
/// step itself, since the untouched gradients are zero.</para>
/// <para>Only element-wise optimizers can be lazy: the chain's links must each act on one parameter at a time
/// (Adam, AdamW, AMSGrad, SGD, momentum, Nesterov, RMSProp, Adagrad, value clipping, L2 and decoupled decay), and no
/// gradient transform may run over the whole gradient (gradient-norm clipping, L2 regularization): otherwise the
/// trainer falls back to the dense step, which sees the same gradients (zero in the untouched columns).</para>
/// </remarks>
internal sealed class LazyFirstLayerUpdate
{
    // The smallest compact stride: a step touching fewer columns pads up to it.
    private const int MinStride = 64;

    private readonly Network _network;
    private readonly int _units, _width, _firstWeights, _tail, _maxTouched, _decayedRest;
    private readonly IOptimizer _optimizer;
    // Grown to the widest stride a step has needed (a few times at most): sized up front for the most a batch could
    // touch, they would take units × that many values four times over even when batches touch far fewer columns.
    private float[] _parameters = [], _gradients = [];
    private OptimizerState _state;
    // Per power-of-two stride, a state over the prefix of _state's buffers that stride needs: a step's work follows the
    // columns it touches (at most twice as many), not the most a batch could touch, and no step allocates once every
    // stride has been seen.
    private readonly OptimizerState?[] _prefixes = new OptimizerState?[32];
    private int _stride, _compactFirst;

    /// <param name="network">The network; its first layer is a dense layer held input-major.</param>
    /// <param name="optimizer">The optimizer (element-wise: see <see cref="Supports"/>).</param>
    /// <param name="maxTouched">The most columns a batch touches.</param>
    public LazyFirstLayerUpdate(Network network, IOptimizer optimizer, int maxTouched)
    {
        _network = network;
        var first = (DenseLayer)network.Layers[0];
        if (!first.InputMajor) throw new InvalidOperationException("The lazy sparse step needs the first layer held input-major.");
        _units = first.Units;
        _width = network.InputSize;
        _firstWeights = _units * _width;
        _tail = network.ParameterCount - _firstWeights;
        _maxTouched = maxTouched;
        _decayedRest = network.DecayedParameterCount - _firstWeights;
        _optimizer = optimizer;
        _state = optimizer.CreateState(0);
    }

    /// <summary>The gathered gradients of the last <see cref="Gather"/> (zero in the padding).</summary>
    public ReadOnlySpan<float> Gradients => _gradients.AsSpan(0, _compactFirst + _tail);

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

    /// <summary>Gathers the gradients of <paramref name="batch"/>'s columns and of every later parameter.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Gather(SparseBatch batch)
    {
        var touched = batch.Touched.AsSpan(0, batch.TouchedCount);
        _stride = Math.Max(MinStride, (int)Math.Min(_maxTouched, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)touched.Length)));
        _compactFirst = _units * _stride;
        int length = checked(_compactFirst + _tail);
        if (_parameters.Length < length)
        {
            _parameters = new float[length];
            _gradients = new float[length];
            _state = _optimizer.CreateState(length);
            Array.Clear(_prefixes);
        }
        GatherInto(_network.GradientArray, _gradients, touched);
    }

    /// <summary>Updates the gathered entries with <paramref name="optimizer"/> as step <paramref name="step"/> and
    /// writes the parameters and the optimizer state back; false, writing nothing back, when an updated parameter is
    /// not finite (the network and the state then stay as after the previous step).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Update(IOptimizer optimizer, OptimizerState state, SparseBatch batch, float learningRate, long step, int maxThreads)
    {
        var touched = batch.Touched.AsSpan(0, batch.TouchedCount);
        int length = _compactFirst + _tail;
        // Power-of-two strides by their exponent; the one other stride, the cap, in the last slot.
        int slot = System.Numerics.BitOperations.IsPow2(_stride) ? System.Numerics.BitOperations.Log2((uint)_stride) : _prefixes.Length - 1;
        var compactState = _prefixes[slot] ??= _state.Prefix(length);
        GatherInto(_network.ParameterArray, _parameters, touched);
        for (int b = 0; b < state.BufferCount; b++) GatherInto(state.Buffer(b), compactState.Buffer(b), touched);
        optimizer.Update(_parameters.AsSpan(0, length), _gradients.AsSpan(0, length), compactState,
            new OptimizerStep(learningRate, step, _compactFirst + _decayedRest) { MaxThreads = maxThreads });
        if (Numerics.Elementwise.FiniteCheck.IndexOfNonFinite(_parameters.AsSpan(0, length)) >= 0) return false;
        ScatterFrom(_parameters, _network.ParameterArray, touched);
        for (int b = 0; b < state.BufferCount; b++) ScatterFrom(compactState.Buffer(b), state.Buffer(b), touched);
        return true;
    }

    // Compact layout: the touched columns' weight rows in order, zero rows up to the stride (a zero parameter with a
    // zero gradient and zero state stays zero under every element-wise update), then the later parameters as they are.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void GatherInto(ReadOnlySpan<float> full, Span<float> compact, ReadOnlySpan<int> touched)
    {
        int units = _units;
        for (int t = 0; t < touched.Length; t++) full.Slice(touched[t] * units, units).CopyTo(compact.Slice(t * units, units));
        compact.Slice(touched.Length * units, _compactFirst - touched.Length * units).Clear();
        full.Slice(_firstWeights, _tail).CopyTo(compact.Slice(_compactFirst));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScatterFrom(ReadOnlySpan<float> compact, Span<float> full, ReadOnlySpan<int> touched)
    {
        int units = _units;
        for (int t = 0; t < touched.Length; t++) compact.Slice(t * units, units).CopyTo(full.Slice(touched[t] * units, units));
        compact.Slice(_compactFirst, _tail).CopyTo(full.Slice(_firstWeights));
    }
}
