namespace MLNet.Mlp.Training;

/// <summary>How the optimizer updates a first layer that reads sparse rows.</summary>
public enum SparseUpdateMode
{
    /// <summary>
    /// Lazy, as TensorFlow's LazyAdam: each step changes only the first layer's weights of the feature columns the
    /// batch holds (and their optimizer state: moments, velocities, accumulators), and every parameter of the later
    /// layers and the biases; untouched columns keep their weights and state (their moments do not decay, weight decay
    /// does not reach them), and the step count of bias correction stays global. A step costs in proportion to the
    /// columns touched, not to the feature count. It needs an element-wise optimizer (every built-in one) and no
    /// gradient transform over every parameter (gradient-norm clipping, L2 regularization); otherwise the step is
    /// dense. With plain SGD (no momentum, no decay) lazy and dense steps are the same.
    /// </summary>
    Lazy,

    /// <summary>Every parameter is updated every step, as for dense data (the untouched columns' gradients are zero).</summary>
    Dense,
}
