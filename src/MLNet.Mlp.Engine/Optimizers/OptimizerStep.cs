namespace MLNet.Mlp.Optimizers;

/// <summary>What an optimizer, a chain link or a gradient transform needs to know about the current step.</summary>
/// <param name="LearningRate">η for this step, after the schedule.</param>
/// <param name="Step">The 1-based update count t (Adam's bias correction uses it).</param>
/// <param name="DecayedCount">The length of the prefix of the parameter buffer that holds weight matrices:
/// weight decay and L2 regularization apply to it, not to biases or batch-norm parameters.</param>
public readonly record struct OptimizerStep(float LearningRate, long Step, int DecayedCount)
{
    /// <summary>
    /// Cores an optimizer may spread its element-wise update over (0 or 1: the calling thread only). Every element
    /// is computed the same way whichever thread does it, so results do not depend on it.
    /// </summary>
    internal int MaxThreads { get; init; }
}
