using MLNet.Mlp.Initializers;

namespace MLNet.Mlp.Activations;

/// <summary>
/// An activation function σ applied to a mini-batch of pre-activations, with its derivative beside it.
/// Buffers are row-major [rows × columns]; element-wise activations ignore the row structure, row-wise ones
/// (softmax) use it.
/// </summary>
/// <remarks>
/// Implement this interface in your own assembly to train with a custom activation: the network calls
/// <see cref="Forward"/> on every forward pass and <see cref="Backward"/> on every backward pass.
/// Implementations must be stateless and thread-safe. Networks with a custom activation train and predict
/// in memory, but cannot be exported to ONNX (and so cannot be saved through <c>MLContext.Model.Save</c>).
/// </remarks>
public interface IActivation
{
    /// <summary>A short, stable name (used in logs, checkpoints and error messages).</summary>
    string Name { get; }

    /// <summary>The weight initializer that keeps signal variance stable through this activation.</summary>
    IWeightInitializer DefaultInitializer => WeightInitializers.XavierUniform;

    /// <summary>Computes a = σ(z).</summary>
    /// <param name="z">Pre-activations, [rows × columns].</param>
    /// <param name="a">Receives the activations; same length as <paramref name="z"/>. May not alias it.</param>
    /// <param name="columns">Width of one row.</param>
    void Forward(ReadOnlySpan<float> z, Span<float> a, int columns);

    /// <summary>Computes ∂L/∂z from ∂L/∂a, using z and a = σ(z) from the forward pass.</summary>
    /// <param name="z">Pre-activations from the forward pass.</param>
    /// <param name="a">Activations from the forward pass.</param>
    /// <param name="outputGradient">∂L/∂a.</param>
    /// <param name="inputGradient">Receives ∂L/∂z. May alias <paramref name="outputGradient"/>.</param>
    /// <param name="columns">Width of one row.</param>
    void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int columns);
}
