using System.Runtime.CompilerServices;
using MLNet.Mlp.Optimizers.Kernels;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// The last link of a chain: moves the parameters by the update scaled by the learning rate, θ ← θ − η u
/// (optax's <c>scale_by_learning_rate</c> followed by <c>apply_updates</c>). Every built-in optimizer ends with it.
/// </summary>
/// <remarks>
/// <code>
/// θ ← θ − η u        (every parameter)
/// </code>
/// <para>η is the step's learning rate (after the schedule). In a chain it is divided by the step-size corrections
/// of the links before it, in double and rounded once: after <see cref="ScaleByAdam"/> it is PyTorch's step size
/// η / (1 − β₁ᵗ). optax multiplies by −η and adds; the result is the same.</para>
/// <para>Role <see cref="TransformationRole.LearningRate"/>; no state.</para>
/// </remarks>
public sealed class ScaleByLearningRate : IGradientTransformation, IParameterTransformation
{
    /// <inheritdoc/>
    public string Name => "ScaleByLearningRate";

    /// <inheritdoc/>
    public TransformationRole Role => TransformationRole.LearningRate;

    /// <inheritdoc/>
    public OptimizerState CreateState(int parameterCount) => new(0, parameterCount);

    /// <inheritdoc/>
    public void Update(Span<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step) =>
        Apply(updates, state, parameters, step);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(ReadOnlySpan<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step)
    {
        UpdateArguments.Check(parameters.Length, updates.Length, step);
        var update = new SgdKernel.PlainUpdate(step.LearningRate, 0f);
        ChunkedUpdate<SgdKernel.PlainUpdate>.Run(update, update, parameters, updates, default, default, default, 0, step.MaxThreads);
    }

    /// <summary>The name, for messages.</summary>
    public override string ToString() => Name;
}
