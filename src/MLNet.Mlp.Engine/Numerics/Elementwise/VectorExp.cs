using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MLNet.Mlp.Numerics.Elementwise;

/// <summary>
/// e^x for float spans: Cody–Waite range reduction x = n·ln 2 + r, Cephes' degree-5 polynomial for e^r on
/// [−ln2/2, ln2/2] (about 1 ulp), and 2^n applied in two halves so that subnormal and overflowing results come out
/// right. Every lane does the same IEEE operations as <see cref="Exp(float)"/>, so an element's result does not
/// depend on its position or on the span's length: a softmax row scored inside a batch equals the row scored alone.
/// </summary>
// Ours rather than TensorPrimitives.Exp: that one rounds differently on its short-span paths (a 10-class row takes
// them), and, being generic code in a package assembly, is not compiled optimized from the first call (see
// docs/jit-tiering.md), when it is called for every row of every batch.
internal static class VectorExp
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;        // few significant bits: n·Ln2Hi is exact
    private const float Ln2Lo = -2.12194440e-4f;     // ln 2 − Ln2Hi
    private const float MinX = -104f;                // e^−104 is below half the smallest subnormal: 0
    private const float MaxX = 89f;                  // e^89 overflows: +∞
    private const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
        P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    /// <summary>e^x, computed exactly as each vector lane computes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Exp(float x)
    {
        if (float.IsNaN(x)) return x;
        x = Math.Clamp(x, MinX, MaxX);
        float n = MathF.Round(x * Log2E);
        float r = MultiplyAdd(n, -Ln2Hi, x);
        r = MultiplyAdd(n, -Ln2Lo, r);
        float p = MultiplyAdd(P0, r, P1);
        p = MultiplyAdd(p, r, P2);
        p = MultiplyAdd(p, r, P3);
        p = MultiplyAdd(p, r, P4);
        p = MultiplyAdd(p, r, P5);
        float y = MultiplyAdd(p, r * r, r) + 1f;
        int k = (int)n, k1 = k >> 1, k2 = k - k1;
        return y * BitConverter.Int32BitsToSingle((k1 + 127) << 23) * BitConverter.Int32BitsToSingle((k2 + 127) << 23);
    }

    /// <summary>destination[i] = e^(x[i] − shift); the spans may be the same but must not otherwise overlap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ExpShifted(ReadOnlySpan<float> x, float shift, Span<float> destination)
    {
        if (destination.Length < x.Length) throw new ArgumentException("The destination is shorter than the input.", nameof(destination));
        if (x.Overlaps(destination, out int offset) && offset != 0) throw new ArgumentException("The destination overlaps the input at a different position.", nameof(destination));
        ElementwiseDriver.Apply<ExpOfDifference>(x, shift, destination);
    }

    /// <summary>e^(x − y).</summary>
    private readonly struct ExpOfDifference : IBinaryOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Invoke(float x, float y) => Exp(x - y);

        // Where 256-bit vectors run, this step only takes a span's last four to seven values, through the lower half of
        // one. Every lane's bits are the scalar's in both cases.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> y)
        {
            Vector128<float> d = x - y;
            return Vector256.IsHardwareAccelerated ? Exp(d.ToVector256()).GetLower() : Exp(d);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => Exp(x - y);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => Exp(x - y);
    }

    // The same arithmetic at three widths, written out as TensorPrimitives does: .NET has no public width-generic
    // vector interface (ISimdVector is internal) to write it once.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Exp(Vector512<float> x)
    {
        var isNaN = ~Vector512.Equals(x, x);
        // The native min/max (one instruction) differ from Math.Clamp only on NaN lanes, which the select restores.
        var c = Vector512.MinNative(Vector512.MaxNative(x, Vector512.Create(MinX)), Vector512.Create(MaxX));
        var n = Vector512.Round(c * Vector512.Create(Log2E));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), c);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P5));
        var y = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        var k = Vector512.ConvertToInt32(n);
        var k1 = Vector512.ShiftRightArithmetic(k, 1);
        var k2 = k - k1;
        var bias = Vector512.Create(127);
        var result = y * Vector512.ShiftLeft(k1 + bias, 23).AsSingle() * Vector512.ShiftLeft(k2 + bias, 23).AsSingle();
        return Vector512.ConditionalSelect(isNaN, x, result);
    }

    /// <summary>Whether fused multiply-adds run in hardware (x86 FMA, or Arm64 Advanced SIMD).</summary>
    internal static bool HasFusedMultiplyAdd => System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported;

    // Fused where the hardware fuses; elsewhere (x64 with AVX2 and FMA off) a multiply then an add, because a fused
    // multiply-add without hardware support is a slow software routine. The scalar and the 128-bit lanes make the same
    // choice, so a lane's bits stay the scalar's on every machine; results differ between the two kinds of machine.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float MultiplyAdd(float a, float b, float c) => HasFusedMultiplyAdd ? MathF.FusedMultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c)
        => HasFusedMultiplyAdd ? Vector128.FusedMultiplyAdd(a, b, c) : a * b + c;

    /// <summary>e^x per lane, each lane bit-identical to <see cref="Exp(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Exp(Vector128<float> x)
    {
        var isNaN = ~Vector128.Equals(x, x);
        var c = Vector128.MinNative(Vector128.MaxNative(x, Vector128.Create(MinX)), Vector128.Create(MaxX));
        var n = Vector128.Round(c * Vector128.Create(Log2E));
        var r = MultiplyAdd(n, Vector128.Create(-Ln2Hi), c);
        r = MultiplyAdd(n, Vector128.Create(-Ln2Lo), r);
        var p = MultiplyAdd(Vector128.Create(P0), r, Vector128.Create(P1));
        p = MultiplyAdd(p, r, Vector128.Create(P2));
        p = MultiplyAdd(p, r, Vector128.Create(P3));
        p = MultiplyAdd(p, r, Vector128.Create(P4));
        p = MultiplyAdd(p, r, Vector128.Create(P5));
        var y = MultiplyAdd(p, r * r, r) + Vector128<float>.One;
        var k = Vector128.ConvertToInt32(n);
        var k1 = Vector128.ShiftRightArithmetic(k, 1);
        var k2 = k - k1;
        var bias = Vector128.Create(127);
        var result = y * Vector128.ShiftLeft(k1 + bias, 23).AsSingle() * Vector128.ShiftLeft(k2 + bias, 23).AsSingle();
        return Vector128.ConditionalSelect(isNaN, x, result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Exp(Vector256<float> x)
    {
        var isNaN = ~Vector256.Equals(x, x);
        var c = Vector256.MinNative(Vector256.MaxNative(x, Vector256.Create(MinX)), Vector256.Create(MaxX));
        var n = Vector256.Round(c * Vector256.Create(Log2E));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), c);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P5));
        var y = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<float>.One;
        var k = Vector256.ConvertToInt32(n);
        var k1 = Vector256.ShiftRightArithmetic(k, 1);
        var k2 = k - k1;
        var bias = Vector256.Create(127);
        var result = y * Vector256.ShiftLeft(k1 + bias, 23).AsSingle() * Vector256.ShiftLeft(k2 + bias, 23).AsSingle();
        return Vector256.ConditionalSelect(isNaN, x, result);
    }
}
