using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using MLNet.Mlp.Activations;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Numerics;

namespace MLNet.Mlp.Networks;

/// <summary>
/// A feed-forward network: a sequence of layers applied to mini-batches held as row-major [rows × features]
/// float buffers. All trainable parameters live in one flat buffer — the weight matrices of every layer first
/// (the part weight decay applies to), then biases and batch-norm parameters — so an optimizer updates the whole
/// network in one vectorized pass and a checkpoint is a copy of three arrays.
/// </summary>
/// <remarks>
/// Inference (<see cref="Predict"/>) is thread-safe: parameters are only read and each call uses its own scratch
/// buffers. Training mutates the parameters and must not run concurrently with inference on the same instance.
/// </remarks>
public sealed class Network
{
    /// <summary>Rows per inference pass: Predict, validation and EvaluateLoss all cut their data the same way.</summary>
    internal const int InferenceChunk = 256;
    private readonly Layer[] _layers;
    private readonly ConcurrentBag<NetworkWorkspace> _inferenceWorkspaces = new();

    /// <summary>Builds a network; parameters start at zero until <see cref="Initialize"/> is called.</summary>
    /// <param name="inputSize">Features per example.</param>
    /// <param name="layers">The layers, input to output; each instance may belong to one network only.</param>
    /// <exception cref="InsufficientMemoryException">The parameters exceed what one .NET array holds (checked before any
    /// layer is built, so the layers can still go into a smaller network).</exception>
    public Network(int inputSize, IEnumerable<Layer> layers)
    {
        if (inputSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "A network needs at least one input feature.");
        ArgumentNullException.ThrowIfNull(layers);
        _layers = layers.ToArray();
        if (_layers.Length == 0) throw new ArgumentException("A network needs at least one layer.", nameof(layers));
        InputSize = inputSize;
        foreach (var layer in _layers) ArgumentNullException.ThrowIfNull(layer, nameof(layers));
        // Sized before any layer is built or anything allocated: a size beyond one array is refused with the layer
        // that causes it, instead of overflowing an int and failing inside the allocation.
        var size = Measure(inputSize, _layers);
        int weights = (int)size.Weights, others = (int)size.OtherParameters, state = (int)size.State;
        int width = inputSize;
        foreach (var layer in _layers)
        {
            layer.Build(width);
            width = layer.OutputSize;
        }
        OutputSize = width;
        DecayedParameterCount = weights;
        ParameterArray = new float[weights + others];
        GradientArray = new float[weights + others];
        StateArray = new float[state];
        int w = 0, o = weights, s = 0;
        foreach (var layer in _layers)
        {
            layer.Bind(ParameterArray, GradientArray, w, o, StateArray, s);
            w += layer.WeightCount;
            o += layer.OtherParameterCount;
            s += layer.StateCount;
        }
    }

    /// <summary>
    /// The parameter and state counts a network of <paramref name="layers"/> on <paramref name="inputSize"/> features
    /// would have, without building or allocating anything.
    /// </summary>
    /// <exception cref="InsufficientMemoryException">The parameters or the state exceed what one .NET array holds.</exception>
    internal static (long Weights, long OtherParameters, long State) Measure(int inputSize, IReadOnlyList<Layer> layers)
    {
        long weights = 0, others = 0, state = 0;
        int width = inputSize;
        for (int i = 0; i < layers.Count; i++)
        {
            var shape = layers[i].ShapeFor(width);
            // Each term is below 2³¹·2³¹, and a sum that passes the limit stops the loop: nothing here can overflow a long.
            weights += shape.Weights;
            others += shape.OtherParameters;
            state += shape.State;
            if (weights + others > Array.MaxLength || state > Array.MaxLength)
                throw new InsufficientMemoryException(
                    $"The network {inputSize} → {string.Join(" → ", layers.Take(i + 1))} … has at least {weights + others:N0} parameters, more than one .NET array "
                    + $"holds ({Array.MaxLength:N0}); layer {i + 1}, {layers[i]} on {width:N0} inputs, alone has {shape.Weights + shape.OtherParameters:N0}. Use narrower layers.");
            width = shape.OutputSize;
        }
        return (weights, others, state);
    }

    /// <summary>Builds a network from layers given in order.</summary>
    /// <param name="inputSize">Features per example.</param>
    /// <param name="layers">The layers, input to output.</param>
    public Network(int inputSize, params Layer[] layers) : this(inputSize, (IEnumerable<Layer>)layers) { }

    /// <summary>Features per example.</summary>
    public int InputSize { get; }

    /// <summary>Outputs per example.</summary>
    public int OutputSize { get; }

    /// <summary>The layers, input to output.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Total trainable parameters.</summary>
    public int ParameterCount => ParameterArray.Length;

    /// <summary>How many of the leading parameters are weight-matrix entries (subject to weight decay).</summary>
    public int DecayedParameterCount { get; }

    /// <summary>The flat trainable-parameter buffer (a live read-only view). While
    /// <see cref="Training.NetworkTrainer"/> trains the network on sparse rows, a copy in the documented layout instead
    /// (the trainer holds the first layer's weights transposed for the run).</summary>
    public ReadOnlyMemory<float> Parameters => _layers[0] is DenseLayer { InputMajor: true } first ? WithWeightsOf(first) : ParameterArray;

    private float[] WithWeightsOf(DenseLayer first)
    {
        var copy = (float[])ParameterArray.Clone();
        first.Weights.Span.CopyTo(copy);
        return copy;
    }

    /// <summary>
    /// ∂L/∂θ for every parameter, in the layout of <see cref="Parameters"/> (a live read-only view): written by a
    /// backward pass (<see cref="Training.TrainingStep.Backward"/>), then changed in place by gradient transforms.
    /// </summary>
    public ReadOnlyMemory<float> Gradients => GradientArray;

    /// <summary>The non-trainable state (batch-norm running statistics), a live read-only view.</summary>
    public ReadOnlyMemory<float> State => StateArray;

    /// <summary>The output layer's activation when it is a dense layer; otherwise null.</summary>
    public IActivation? OutputActivation => _layers[^1] is DenseLayer d ? d.Activation : null;

    internal float[] ParameterArray { get; }
    internal float[] GradientArray { get; }
    internal float[] StateArray { get; }

    /// <summary>Draws initial weights from each layer's initializer (biases 0, batch-norm scales 1).</summary>
    /// <param name="seed">The random seed: the same seed gives the same weights.</param>
    public void Initialize(int seed)
    {
        var random = new RandomSource(seed, stream: 1);
        foreach (var layer in _layers) layer.Initialize(random);
    }

    /// <summary>A deep copy with the same layers' settings, parameters and state.</summary>
    public Network Clone()
    {
        var copy = new Network(InputSize, _layers.Select(l => l.CreateUnbuiltCopy()));
        copy.CopyParametersFrom(this);
        return copy;
    }

    /// <summary>Copies parameters and state from a network of the same architecture.</summary>
    /// <param name="source">A network with identical layer shapes.</param>
    public void CopyParametersFrom(Network source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!HasSameShape(source))
            throw new ArgumentException($"Cannot copy parameters from a network of another architecture ({source.Describe()} into {Describe()}).", nameof(source));
        source.ParameterArray.CopyTo(ParameterArray, 0);
        source.StateArray.CopyTo(StateArray, 0);
    }

    /// <summary>Overwrites the flat parameters and the state.</summary>
    /// <param name="parameters">Exactly <see cref="ParameterCount"/> values.</param>
    /// <param name="state">Exactly as many values as <see cref="State"/>.</param>
    public void SetParameters(ReadOnlySpan<float> parameters, ReadOnlySpan<float> state)
    {
        if (parameters.Length != ParameterArray.Length)
            throw new ArgumentException($"Expected {ParameterArray.Length} parameters but got {parameters.Length}.", nameof(parameters));
        if (state.Length != StateArray.Length)
            throw new ArgumentException($"Expected {StateArray.Length} state values but got {state.Length}.", nameof(state));
        parameters.CopyTo(ParameterArray);
        state.CopyTo(StateArray);
    }

    /// <summary>True when both networks have the same input size and the same layer kinds and sizes.</summary>
    /// <param name="other">The other network.</param>
    public bool HasSameShape(Network other)
        => other.InputSize == InputSize && other._layers.Length == _layers.Length
           && _layers.Zip(other._layers).All(p => p.First.GetType() == p.Second.GetType() && p.First.OutputSize == p.Second.OutputSize)
           && other.ParameterCount == ParameterCount && other.StateArray.Length == StateArray.Length;

    /// <summary>A one-line description, e.g. "784 → Dense(128, Relu) → Dense(10, Softmax)".</summary>
    public string Describe() => string.Join(" → ", _layers.Select(l => l.ToString()).Prepend(InputSize.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <inheritdoc/>
    public override string ToString() => Describe();

    /// <summary>Runs inference on <paramref name="rows"/> examples. Thread-safe.</summary>
    /// <param name="inputs">[rows × <see cref="InputSize"/>].</param>
    /// <param name="outputs">Receives [rows × <see cref="OutputSize"/>].</param>
    /// <param name="rows">How many examples.</param>
    /// <param name="maxThreads">Cores the matrix kernels may use.</param>
    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int rows, int maxThreads = 1)
        => PredictCore(inputs, outputs, rows, maxThreads, preActivation: false, null);

    /// <summary>As <see cref="Predict(ReadOnlySpan{float}, Span{float}, int, int)"/>, the first layer skipping the zeros of
    /// mostly-zero blocks of rows through <paramref name="zeroSkipping"/> (made for this network), with the same bits.</summary>
    internal void PredictSkippingZeros(ReadOnlySpan<float> inputs, Span<float> outputs, int rows, int maxThreads, ZeroSkippingInference? zeroSkipping)
        => PredictCore(inputs, outputs, rows, maxThreads, preActivation: false, zeroSkipping);

    /// <summary>Like <see cref="Predict(ReadOnlySpan{float}, Span{float}, int, int)"/> but returns the output layer's
    /// pre-activations Z (logits) when it is a dense layer — e.g. the raw margin of a binary classifier.</summary>
    internal void PredictPreActivation(ReadOnlySpan<float> inputs, Span<float> outputs, int rows, int maxThreads, ZeroSkippingInference? zeroSkipping = null)
        => PredictCore(inputs, outputs, rows, maxThreads, preActivation: _layers[^1] is DenseLayer, zeroSkipping);

    /// <summary>
    /// Inference on one sparse row (<paramref name="values"/> at the ascending columns <paramref name="indices"/>) when
    /// the first layer is a dense layer, never densifying it: the first layer reads only the non-zeros. Thread-safe.
    /// </summary>
    /// <param name="indices">The row's stored columns, ascending, each below <see cref="InputSize"/>.</param>
    /// <param name="values">The row's stored values.</param>
    /// <param name="outputs">Receives the <see cref="OutputSize"/> outputs.</param>
    /// <param name="preActivation">Whether to return the output layer's pre-activations (logits) when it is a dense layer.</param>
    /// <param name="zeroSkipping">Made for this network: its input-major copy of the first layer serves the row (the
    /// same bits, read one contiguous row of weights per non-zero); null to read the layer as it is held.</param>
    internal void PredictSparseRow(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> outputs, bool preActivation, ZeroSkippingInference? zeroSkipping = null)
    {
        if (zeroSkipping != null && zeroSkipping.Network != this) throw new ArgumentException("The zero skipping was made for another network.", nameof(zeroSkipping));
        if (!_inferenceWorkspaces.TryTake(out var ws)) ws = new NetworkWorkspace(this, InferenceChunk);
        try
        {
            var context = ForwardContext.Inference(1);
            if (zeroSkipping != null) zeroSkipping.ForwardSparseRow(indices, values, ws.Caches[0], ws.Outputs[0]);
            else ((DenseLayer)_layers[0]).ForwardSparseRow(indices, values, ws.Outputs[0], ws.Caches[0]);
            for (int i = 1; i < _layers.Length; i++)
                _layers[i].Forward(ws.Outputs[i - 1].AsSpan(0, _layers[i].InputSize), ws.Outputs[i], ws.Caches[i], 1, context);
            var result = preActivation && _layers[^1] is DenseLayer ? ws.Caches[^1].AsSpan(0, OutputSize) : ws.Output(1);
            result.CopyTo(outputs);
        }
        finally
        {
            _inferenceWorkspaces.Add(ws);
        }
    }

    private void PredictCore(ReadOnlySpan<float> inputs, Span<float> outputs, int rows, int maxThreads, bool preActivation, ZeroSkippingInference? zeroSkipping)
    {
        if (zeroSkipping != null && zeroSkipping.Network != this) throw new ArgumentException("The zero skipping was made for another network.", nameof(zeroSkipping));
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (inputs.Length < rows * InputSize) throw new ArgumentException($"Expected {rows}×{InputSize} inputs but got {inputs.Length}.", nameof(inputs));
        if (outputs.Length < rows * OutputSize) throw new ArgumentException($"Expected room for {rows}×{OutputSize} outputs but got {outputs.Length}.", nameof(outputs));
        if (!_inferenceWorkspaces.TryTake(out var ws)) ws = new NetworkWorkspace(this, InferenceChunk);
        try
        {
            var context = ForwardContext.Inference(maxThreads);
            for (int start = 0; start < rows; start += InferenceChunk)
            {
                int n = Math.Min(InferenceChunk, rows - start);
                var chunk = inputs.Slice(start * InputSize, n * InputSize);
                var scratch = ws.ZeroSkipping;
                bool skipped = zeroSkipping != null && zeroSkipping.TryForward(chunk, n, ws.Caches[0], ws.Outputs[0], ref scratch);
                ws.ZeroSkipping = scratch;
                if (skipped) ForwardFrom(1, ws, n, context);
                else Forward(ws, chunk, n, context);
                var result = preActivation ? ws.Caches[^1].AsSpan(0, n * OutputSize) : ws.Output(n);
                result.CopyTo(outputs.Slice(start * OutputSize, n * OutputSize));
            }
        }
        finally
        {
            _inferenceWorkspaces.Add(ws);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Forward(NetworkWorkspace ws, ReadOnlySpan<float> input, int rows, in ForwardContext context, Training.SparseBatch? sparse = null)
    {
        for (int i = 0; i < _layers.Length; i++)
        {
            // A sparse batch goes into the first layer (a dense layer) as it is, never densified.
            if (i == 0 && sparse != null)
            {
                ((DenseLayer)_layers[0]).ForwardSparse(sparse, ws.Outputs[0], ws.Caches[0], rows, context.MaxThreads);
                continue;
            }
            var x = i == 0 ? input : ws.Outputs[i - 1];
            _layers[i].Forward(x.Slice(0, rows * _layers[i].InputSize), ws.Outputs[i], ws.Caches[i], rows, context);
        }
    }

    // The layers from `first` on, each reading the previous layer's outputs in the workspace.
    private void ForwardFrom(int first, NetworkWorkspace ws, int rows, in ForwardContext context)
    {
        for (int i = first; i < _layers.Length; i++)
            _layers[i].Forward(ws.Outputs[i - 1].AsSpan(0, rows * _layers[i].InputSize), ws.Outputs[i], ws.Caches[i], rows, context);
    }

    /// <summary>
    /// Computes the loss of the last <see cref="Forward"/> and back-propagates it, writing every parameter gradient.
    /// Uses the loss's fused path when it pairs with the output activation (δ = A − Y).
    /// </summary>
    /// <returns>Σ wᵢ·ℓᵢ over the batch.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal double Backward(NetworkWorkspace ws, ReadOnlySpan<float> input, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights,
        ILoss loss, int rows, float gradientScale, in ForwardContext context, Training.SparseBatch? sparse = null)
    {
        int last = _layers.Length - 1;
        var output = ws.Outputs[last].AsSpan(0, rows * OutputSize);
        float[] gradient = ws.GradientA, spare = ws.GradientB;
        double total;
        int from = last;
        if (_layers[last] is DenseLayer dense
            && loss.TryComputeFused(dense.Activation, ws.Caches[last].AsSpan(0, rows * OutputSize), output, targets, weights,
                gradient.AsSpan(0, rows * OutputSize), OutputSize, gradientScale, out total))
        {
            var x = last == 0 ? input : ws.Outputs[last - 1];
            var dx = last == 0 ? Span<float>.Empty : spare.AsSpan(0, rows * dense.InputSize);
            if (last == 0 && sparse != null) dense.BackwardFromPreActivationSparse(sparse, gradient, rows, context.MaxThreads);
            else dense.BackwardFromPreActivation(x, gradient.AsSpan(0, rows * OutputSize), dx, rows, context);
            (gradient, spare) = (spare, gradient);
            from = last - 1;
        }
        else
        {
            total = loss.Compute(output, targets, weights, gradient.AsSpan(0, rows * OutputSize), OutputSize, gradientScale);
        }

        for (int i = from; i >= 0; i--)
        {
            var layer = _layers[i];
            if (i == 0 && sparse != null)
            {
                ((DenseLayer)layer).BackwardSparse(sparse, ws.Outputs[0], ws.Caches[0], gradient, rows, context.MaxThreads);
                break;
            }
            var x = i == 0 ? input : ws.Outputs[i - 1];
            var dx = i == 0 ? Span<float>.Empty : spare.AsSpan(0, rows * layer.InputSize);
            layer.Backward(x.Slice(0, rows * layer.InputSize), ws.Outputs[i], ws.Caches[i], gradient.AsSpan(0, rows * layer.OutputSize), dx, rows, context);
            (gradient, spare) = (spare, gradient);
        }
        return total;
    }
}
