using System.Runtime.CompilerServices;
using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Numerics;
using MLNet.Mlp.Optimizers;

namespace MLNet.Mlp.Training;

/// <summary>
/// Training driven one step at a time from outside, in PyTorch's order: <see cref="Forward"/> runs a batch in
/// training mode (<c>model(x)</c>), <see cref="Backward"/> computes the loss and writes the gradient of every
/// parameter into <see cref="Network.Gradients"/> (<c>loss.backward()</c>), <see cref="TransformGradients"/> clips or
/// regularizes them, and <see cref="Update"/> takes one optimizer step (<c>optimizer.step()</c>).
/// </summary>
/// <remarks>
/// <para><see cref="NetworkTrainer"/> trains through this class, so the same calls with the trainer's settings (its
/// batches, seed, learning rates and gradient transforms) give its weights bit for bit; except on dense rows that are
/// mostly zeros (at most 40 % non-zero, batches of 16 rows or more), whose zeros the trainer's first layer skips: there
/// its sums run in another order, and the weights agree to float rounding.</para>
/// <para>The buffers for batches of up to <see cref="MaxBatchRows"/> rows are allocated once; steps allocate nothing.
/// An instance serves one thread at a time and must not run while the network predicts.</para>
/// </remarks>
/// <example>
/// <code>
/// var step = new TrainingStep(network, maxBatchRows: 4);
/// var optimizer = new AdamOptimizer();
/// var optimizerState = optimizer.CreateState(network.ParameterCount);
/// for (int i = 0; i &lt; 500; i++)
/// {
///     step.Forward(features);
///     double loss = step.Backward(targets, new BinaryCrossEntropyLoss()) / 4;
///     step.Update(optimizer, optimizerState, learningRate: 0.05f);
/// }
/// </code>
/// </example>
public sealed class TrainingStep
{
    // The dropout masks' random stream; the shuffle uses another, so adding dropout does not change the shuffle.
    private const ulong DropoutStream = 3;

    private readonly NetworkWorkspace _workspace;
    // Allocated on first use: a trainer that gathers sparse batches never needs this [rows × features] buffer.
    private float[]? _inputs;
    // One generator for every step's masks, reseeded from (seed, step): a new RandomSource per step would allocate.
    private readonly RandomSource? _dropoutRandom;
    private ForwardContext _context;
    private int _maxThreads = 1;

    /// <summary>Prepares steps on <paramref name="network"/> for batches of up to <paramref name="maxBatchRows"/> rows.</summary>
    /// <param name="network">The network to train, already initialized.</param>
    /// <param name="maxBatchRows">The largest batch <see cref="Forward"/> will be given; positive.</param>
    /// <param name="seed">The seed of the dropout masks (the trainer passes <see cref="TrainingOptions.Seed"/>).</param>
    /// <exception cref="InsufficientMemoryException">A buffer for <paramref name="maxBatchRows"/> rows of a layer exceeds what one .NET array holds.</exception>
    public TrainingStep(Network network, int maxBatchRows, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchRows, 1);
        Network = network;
        MaxBatchRows = maxBatchRows;
        Seed = seed;
        _workspace = new NetworkWorkspace(network, maxBatchRows);
        _dropoutRandom = network.Layers.Any(l => l is DropoutLayer) ? new RandomSource(seed, DropoutStream) : null;
    }

    /// <summary>The network being trained.</summary>
    public Network Network { get; }

    /// <summary>The largest batch <see cref="Forward"/> accepts.</summary>
    public int MaxBatchRows { get; }

    /// <summary>The seed the dropout masks are drawn from.</summary>
    public int Seed { get; }

    /// <summary>Optimizer updates taken so far. The next <see cref="Forward"/> draws its dropout masks from
    /// (<see cref="Seed"/>, this count), and the next <see cref="Update"/> is update number count + 1 (the t of Adam's
    /// bias correction). Set it to continue a training that stopped.</summary>
    public long StepCount { get; set; }

    /// <summary>Cores the matrix kernels and the optimizer may use; 1 by default. Results do not depend on it.</summary>
    public int MaxThreads
    {
        get => _maxThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxThreads = value;
        }
    }

    /// <summary>The rows of the batch of the last <see cref="Forward"/> (0 before the first).</summary>
    public int Rows { get; private set; }

    /// <summary>The network's outputs for the batch of the last <see cref="Forward"/>, [<see cref="Rows"/> × outputs].</summary>
    public ReadOnlySpan<float> Output => _workspace.Output(Rows);

    /// <summary>The input buffer the trainer gathers each batch into (no copy on its way to the first layer).</summary>
    internal float[] InputBuffer => _inputs ??= new float[MaxBatchRows * Network.InputSize];

    /// <summary>When set, the batch the trainer gathers sparse rows into: the first layer (a dense layer) reads it
    /// instead of <see cref="InputBuffer"/> and writes its weight gradient only in the columns the batch touches.</summary>
    internal SparseBatch? SparseInput { get; set; }

    /// <summary>
    /// Runs a batch forward in training mode: dropout is active and batch normalization uses the batch's statistics
    /// (and updates its running ones). For inference use <see cref="Network.Predict"/>.
    /// </summary>
    /// <param name="inputs">[rows × <see cref="Network.InputSize"/>] row-major, 1 ≤ rows ≤ <see cref="MaxBatchRows"/>; copied.</param>
    /// <returns>The outputs, [rows × <see cref="Network.OutputSize"/>]; valid until the next <see cref="Forward"/>.</returns>
    /// <exception cref="ArgumentException">The input length is not a whole number of rows within the batch size.</exception>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> inputs)
    {
        int width = Network.InputSize;
        if (inputs.Length % width != 0 || inputs.Length == 0 || inputs.Length / width > MaxBatchRows)
            throw new ArgumentException($"Expected 1 to {MaxBatchRows} rows of {width} inputs but got {inputs.Length} values.", nameof(inputs));
        inputs.CopyTo(InputBuffer);
        return ForwardInputBuffer(inputs.Length / width);
    }

    /// <summary>Runs the first <paramref name="rows"/> rows of <see cref="InputBuffer"/> forward.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal ReadOnlySpan<float> ForwardInputBuffer(int rows)
    {
        _dropoutRandom?.Reseed(Seed, DropoutStream, (ulong)StepCount);
        _context = new ForwardContext(true, _maxThreads, _dropoutRandom);
        Rows = rows;
        Network.Forward(_workspace, SparseInput != null ? default : InputBuffer, rows, _context, SparseInput);
        return _workspace.Output(rows);
    }

    /// <summary>
    /// Computes the loss of the last <see cref="Forward"/>'s batch and back-propagates it: afterwards
    /// <see cref="Network.Gradients"/> holds ∇θ of the batch mean (1/m)·Σᵢ wᵢ·ℓᵢ over its m rows (example weights scale
    /// each row's share without renormalizing, as Keras's <c>sample_weight</c>).
    /// </summary>
    /// <param name="targets">[rows × target width], as <paramref name="loss"/> expects.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="weights">Empty (all 1) or one non-negative weight per row.</param>
    /// <returns>The weighted sum Σᵢ wᵢ·ℓᵢ over the batch (divide by the rows, or the weight total, for a mean).</returns>
    /// <exception cref="InvalidOperationException">No batch has been run forward yet.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Backward(ReadOnlySpan<float> targets, ILoss loss, ReadOnlySpan<float> weights = default)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (Rows == 0) throw new InvalidOperationException("Backward needs the batch of a Forward call.");
        return Network.Backward(_workspace, SparseInput != null ? default : InputBuffer, targets, weights, loss, Rows, 1f / Rows, _context, SparseInput);
    }

    /// <summary>Applies gradient transforms (clipping, L2 regularization) to <see cref="Network.Gradients"/> in order.</summary>
    /// <param name="transforms">The transforms.</param>
    /// <param name="learningRate">η of the coming update (some transforms depend on it).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void TransformGradients(IReadOnlyList<IGradientTransform> transforms, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        var step = NextStep(learningRate);
        var gradients = Network.GradientArray;
        var parameters = Network.ParameterArray;
        // Indexed, not foreach: enumerating an IReadOnlyList allocates an enumerator every step.
        for (int i = 0; i < transforms.Count; i++) transforms[i].Apply(gradients, parameters, step);
        // A transform may write every gradient (L2 adds λ·θ): the sparse backward must then clear the whole first layer.
        if (transforms.Count > 0 && SparseInput != null) SparseInput.GradientCleared = false;
    }

    /// <summary>One optimizer step that changes only the first layer's columns the sparse batch touched and the other
    /// layers' parameters (see <see cref="LazyFirstLayerUpdate"/>), counted in <see cref="StepCount"/>. The gradients must
    /// have been gathered into <paramref name="lazy"/> first. False, with nothing changed and the step not counted, when
    /// the step would make a weight non-finite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal bool UpdateLazily(LazyFirstLayerUpdate lazy, IOptimizer optimizer, OptimizerState state, float learningRate)
    {
        if (!lazy.Update(optimizer, state, SparseInput!, learningRate, StepCount + 1, _maxThreads)) return false;
        StepCount++;
        return true;
    }

    /// <summary>Takes one optimizer step θ ← update(θ, ∇θ) with the current gradients, and counts it in <see cref="StepCount"/>.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="state">Its state (<see cref="IOptimizer.CreateState"/> for this network's parameter count), updated in place.</param>
    /// <param name="learningRate">η for this step.</param>
    /// <exception cref="ArgumentException"><paramref name="state"/> was made for another parameter count.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(IOptimizer optimizer, OptimizerState state, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(state);
        if (state.ParameterCount != Network.ParameterCount)
            throw new ArgumentException($"The optimizer state covers {state.ParameterCount} parameters; the network has {Network.ParameterCount}.", nameof(state));
        optimizer.Update(Network.ParameterArray, Network.GradientArray, state, NextStep(learningRate));
        StepCount++;
    }

    private OptimizerStep NextStep(float learningRate)
        => new(learningRate, StepCount + 1, Network.DecayedParameterCount) { MaxThreads = _maxThreads };
}
