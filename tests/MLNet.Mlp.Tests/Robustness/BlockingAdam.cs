using MLNet.Mlp.Optimizers;

namespace MLNet.Mlp.Tests.Robustness;

/// <summary>Adam that counts its steps and, at a given step, signals and waits until released, so that a cancellation
/// lands at a known step however late the cancelling thread is scheduled.</summary>
internal sealed class BlockingAdam(int blockAt) : IOptimizer
{
    private readonly AdamOptimizer _adam = new();
    private int _steps;

    public ManualResetEventSlim Reached { get; } = new();

    public ManualResetEventSlim Release { get; } = new();

    public int Steps => Volatile.Read(ref _steps);

    public string Name => _adam.Name;

    public OptimizerState CreateState(int parameterCount) => _adam.CreateState(parameterCount);

    public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, OptimizerState state, in OptimizerStep step)
    {
        _adam.Update(parameters, gradients, state, step);
        if (Interlocked.Increment(ref _steps) == blockAt)
        {
            Reached.Set();
            Release.Wait();
        }
    }
}
