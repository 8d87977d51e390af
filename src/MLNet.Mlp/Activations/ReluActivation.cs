using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MLNet.Mlp.Initializers;

namespace MLNet.Mlp.Activations;

/// <summary>The rectified linear unit max(0, z); its derivative is 1 for z &gt; 0 and 0 otherwise.</summary>
public sealed class ReluActivation : IActivation
{
    /// <inheritdoc/>
    public string Name => "Relu";

    /// <inheritdoc/>
    public IWeightInitializer DefaultInitializer => WeightInitializers.HeUniform;

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> z, Span<float> a, int columns) => TensorPrimitives.Max(z, 0f, a);

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int columns)
        => MaskByPositive(a, outputGradient, inputGradient);

    // Shared by the fused dense-layer path: dz = dA where a > 0 (a > 0 ⇔ z > 0 for ReLU).
    // Called every step: optimized from the first call, for the reason GemmDriver.RunPart gives.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MaskByPositive(ReadOnlySpan<float> a, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= a.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var mask = Vector512.GreaterThan(Vector512.Create(a.Slice(i)), Vector512<float>.Zero);
                (Vector512.Create(outputGradient.Slice(i)) & mask).CopyTo(inputGradient.Slice(i));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= a.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var mask = Vector256.GreaterThan(Vector256.Create(a.Slice(i)), Vector256<float>.Zero);
                (Vector256.Create(outputGradient.Slice(i)) & mask).CopyTo(inputGradient.Slice(i));
            }
        }
        for (; i < a.Length; i++)
            inputGradient[i] = a[i] > 0f ? outputGradient[i] : 0f;
    }
}
