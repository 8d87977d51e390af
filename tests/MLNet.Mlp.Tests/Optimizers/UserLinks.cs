using MLNet.Mlp.Optimizers;

namespace MLNet.Mlp.Tests.Optimizers;

/// <summary>
/// Chain links written against the public <see cref="IGradientTransformation"/> contract only, as a user would:
/// they compose with the built-in links and take part in the composition check through their role.
/// </summary>
public static class UserLinks
{
    /// <summary>u ← sign(u): with <see cref="ScaleByLearningRate"/> after it, sign-SGD. A scaling, no state.</summary>
    public sealed class Sign : IGradientTransformation
    {
        public string Name => "Sign";

        public TransformationRole Role => TransformationRole.Scaling;

        public OptimizerState CreateState(int parameterCount) => new(0, parameterCount);

        public void Update(Span<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step)
        {
            for (int i = 0; i < updates.Length; i++) updates[i] = MathF.Sign(updates[i]);
        }
    }

    /// <summary>u ← k u, a change of the gradient of no particular role.</summary>
    public sealed class Scale(float factor) : IGradientTransformation
    {
        public string Name => "Scale";

        public TransformationRole Role => TransformationRole.Other;

        public OptimizerState CreateState(int parameterCount) => new(0, parameterCount);

        public void Update(Span<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step)
        {
            for (int i = 0; i < updates.Length; i++) updates[i] *= factor;
        }
    }

    /// <summary>Leaves everything as it is: put between two links, it keeps them from being fused.</summary>
    public sealed class Identity : IGradientTransformation
    {
        public string Name => "Identity";

        public TransformationRole Role => TransformationRole.Other;

        public OptimizerState CreateState(int parameterCount) => new(0, parameterCount);

        public void Update(Span<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step) { }
    }

    /// <summary>A decoupled decay of the user's own, θ ← θ − η λ θ on the weights, declared as such.</summary>
    public sealed class ShrinkWeights(float lambda) : IGradientTransformation
    {
        public string Name => "ShrinkWeights";

        public TransformationRole Role => TransformationRole.DecoupledDecay;

        public OptimizerState CreateState(int parameterCount) => new(0, parameterCount);

        public void Update(Span<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step)
        {
            for (int i = 0; i < step.DecayedCount; i++) parameters[i] -= step.LearningRate * lambda * parameters[i];
        }
    }

    /// <summary>
    /// A stateful link: counts how often it ran in its one buffer, which starts at <paramref name="start"/>
    /// (so that the chain must take the initial value from <see cref="CreateState"/>). Leaves u alone.
    /// </summary>
    public sealed class Counter(float start) : IGradientTransformation
    {
        public string Name => "Counter";

        public TransformationRole Role => TransformationRole.Other;

        public OptimizerState CreateState(int parameterCount)
        {
            var state = new OptimizerState(1, parameterCount);
            state.Buffer(0).Fill(start);
            return state;
        }

        public void Update(Span<float> updates, OptimizerState state, Span<float> parameters, in OptimizerStep step)
        {
            Span<float> count = state.Buffer(0);
            for (int i = 0; i < count.Length; i++) count[i] += 1f;
        }
    }
}
