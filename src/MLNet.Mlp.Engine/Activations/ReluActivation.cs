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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> z, Span<float> a, int columns) => ClampAtZero(z, a);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int columns)
        => MaskByPositive(a, outputGradient, inputGradient);

    // a = max(z, 0), NaN kept (IEEE maximum, as TensorPrimitives.Max) so a diverging network is still caught.
    // Called every step: compiled optimized from the first call (see docs/jit-tiering.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ClampAtZero(ReadOnlySpan<float> z, Span<float> a)
    {
        if (a.Length < z.Length) throw new ArgumentException("The output is shorter than the input.", nameof(a));
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= z.Length - Vector512<float>.Count; i += Vector512<float>.Count)
                Vector512.Max(Vector512.Create(z.Slice(i)), Vector512<float>.Zero).CopyTo(a.Slice(i));
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= z.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                Vector256.Max(Vector256.Create(z.Slice(i)), Vector256<float>.Zero).CopyTo(a.Slice(i));
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= z.Length - Vector128<float>.Count; i += Vector128<float>.Count)
                Vector128.Max(Vector128.Create(z.Slice(i)), Vector128<float>.Zero).CopyTo(a.Slice(i));
        }
        for (; i < z.Length; i++)
            a[i] = MathF.Max(z[i], 0f);
    }

    // Shared by the fused dense-layer path: dz = dA where a > 0 (a > 0 ⇔ z > 0 for ReLU).
    // Called every step: compiled optimized from the first call (see docs/jit-tiering.md).
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
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= a.Length - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                var mask = Vector128.GreaterThan(Vector128.Create(a.Slice(i)), Vector128<float>.Zero);
                (Vector128.Create(outputGradient.Slice(i)) & mask).CopyTo(inputGradient.Slice(i));
            }
        }
        for (; i < a.Length; i++)
            inputGradient[i] = a[i] > 0f ? outputGradient[i] : 0f;
    }
}
