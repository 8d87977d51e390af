using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Optimizers;

/// <summary>Shape checks shared by every built-in optimizer and gradient transform (cheap, run once per call).</summary>
internal static class UpdateArguments
{
    /// <summary>Checks that the buffers agree in length and that the decayed prefix fits in them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Check(int parameterCount, int gradientCount, in OptimizerStep step)
    {
        if (gradientCount != parameterCount)
            throw new ArgumentException($"The gradient buffer holds {gradientCount} values but the parameter buffer holds {parameterCount}.", "gradients");
        if ((uint)step.DecayedCount > (uint)parameterCount)
            throw new ArgumentOutOfRangeException(nameof(step), step.DecayedCount, $"DecayedCount must be in [0, {parameterCount}].");
    }

    /// <summary>Checks the buffers, the state's shape and that the step is 1-based.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Check(int parameterCount, int gradientCount, OptimizerState state, int bufferCount, in OptimizerStep step)
    {
        ArgumentNullException.ThrowIfNull(state);
        Check(parameterCount, gradientCount, step);
        if (state.ParameterCount != parameterCount || state.BufferCount != bufferCount)
            throw new ArgumentException($"Optimizer state shape {state.BufferCount}×{state.ParameterCount} does not match the expected {bufferCount}×{parameterCount}; create it with CreateState.", nameof(state));
        if (step.Step < 1)
            throw new ArgumentOutOfRangeException(nameof(step), step.Step, "Step is 1-based and must be >= 1.");
    }
}
