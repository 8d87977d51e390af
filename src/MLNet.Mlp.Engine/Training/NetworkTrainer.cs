using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Networks;

namespace MLNet.Mlp.Training;

/// <summary>
/// The mini-batch training loop: forward pass → loss → backward pass → gradient transforms → optimizer update,
/// repeated over shuffled batches for each epoch, with validation, early stopping, reduce-on-plateau, divergence
/// detection and cancellation. After the first step it allocates nothing per step. Each step is a
/// <see cref="TrainingStep"/>, which can also be driven by hand.
/// </summary>
public static class NetworkTrainer
{
    /// <summary>Trains a network from its current weights.</summary>
    /// <param name="network">An initialized network.</param>
    /// <param name="train">Training examples.</param>
    /// <param name="validation">Validation examples, or null.</param>
    /// <param name="options">How to train.</param>
    public static TrainingResult Fit(Network network, TrainingData train, TrainingData? validation, TrainingOptions options)
        => Fit(new TrainingState(network), train, validation, options);

    /// <summary>Continues training from <paramref name="state"/>, which is updated in place.</summary>
    /// <param name="state">The network and the optimizer/schedule state to continue from.</param>
    /// <param name="train">Training examples.</param>
    /// <param name="validation">Validation examples, or null.</param>
    /// <param name="options">How to train; <see cref="TrainingOptions.Epochs"/> more epochs are run.</param>
    /// <remarks>
    /// The state's optimizer state is continued when <see cref="TrainingState.OptimizerName"/> is the name of
    /// <see cref="TrainingOptions.Optimizer"/>; a state of another optimizer is replaced by a fresh one.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The optimizer state was saved under the optimizer's name but its buffer
    /// count or parameter count is not the one the optimizer needs (another configuration of it, or a damaged state).</exception>
    public static TrainingResult Fit(TrainingState state, TrainingData train, TrainingData? validation, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var network = state.Network;
        CheckShapes(network, train, nameof(train));
        if (validation != null) CheckShapes(network, validation, nameof(validation));
        if (network.Layers.Any(l => l is BatchNormLayer) && (train.Rows < 2 || options.BatchSize < 2))
            throw new ArgumentException($"Batch normalization needs at least two examples per batch; got {train.Rows} rows and batch size {options.BatchSize}.", nameof(options));
        // A first layer trained on sparse rows (or dense rows whose zeros are skipped) is held input-major for the run
        // (see DenseLayer.InputMajor), and given back in its documented layout however the run ends.
        bool skipZeros = ZeroSkipping.Applies(network, train, Math.Min(options.BatchSize, train.Rows));
        var sparseFirst = train.SparseFeatures != null || skipZeros ? network.Layers[0] as DenseLayer : null;
        sparseFirst?.SetInputMajor(true, state.OptimizerState);
        try
        {
            return new TrainingRun(state, train, validation, options, skipZeros).Run();
        }
        finally
        {
            sparseFirst?.SetInputMajor(false, state.OptimizerState);
        }
    }

    /// <summary>The weighted mean loss of <paramref name="network"/> on <paramref name="data"/> in inference mode.</summary>
    /// <param name="network">The network.</param>
    /// <param name="data">Examples.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="maxThreads">Cores the kernels may use.</param>
    public static double EvaluateLoss(Network network, TrainingData data, ILoss loss, int maxThreads = 1)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(loss);
        CheckShapes(network, data, nameof(data));
        return new LossEvaluator(network, data).Evaluate(loss, maxThreads);
    }

    private static void CheckShapes(Network network, TrainingData data, string name)
    {
        if (data.FeatureCount != network.InputSize)
            throw new ArgumentException($"The {name} data has {data.FeatureCount} features per row but the network expects {network.InputSize}.", name);
    }
}
