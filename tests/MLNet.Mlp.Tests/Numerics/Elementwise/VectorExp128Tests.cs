using System.Runtime.Intrinsics;
using MLNet.Mlp.Numerics.Elementwise;

namespace MLNet.Mlp.Tests.Numerics.Elementwise;

/// <summary>
/// The 128-bit e^x (softmax where 128-bit vectors are the widest: Arm64, or x64 with AVX2 off, where both the lanes and
/// the scalar use a multiply then an add instead of a fused multiply-add): every lane has the scalar's bits, so the
/// softmax of a 128-bit machine does not depend on which path an element took.
/// </summary>
public class VectorExp128Tests
{
    [Fact]
    public void EachLaneIsBitIdenticalToTheScalarExp()
    {
        var xs = new List<float> { 0f, -0f, 1f, -1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 88.72283f, 89f, 89.5f, -87.33654f, -103.9f, -104f, -150f, 1e-30f };
        for (int bits = BitConverter.SingleToInt32Bits(1e-30f); bits <= BitConverter.SingleToInt32Bits(100f); bits += 99_991)
        {
            float v = BitConverter.Int32BitsToSingle(bits);
            xs.Add(v);
            xs.Add(-v);
        }

        while (xs.Count % 4 != 0)
        {
            xs.Add(0.5f);
        }

        for (int i = 0; i < xs.Count; i += 4)
        {
            Vector128<float> lanes = VectorExp.Exp(Vector128.Create(xs[i], xs[i + 1], xs[i + 2], xs[i + 3]));
            for (int lane = 0; lane < 4; lane++)
            {
                float scalar = VectorExp.Exp(xs[i + lane]);
                Assert.True(BitConverter.SingleToInt32Bits(lanes[lane]) == BitConverter.SingleToInt32Bits(scalar),
                    $"exp({xs[i + lane]:R}): lane {lanes[lane]:R}, scalar {scalar:R}");
            }
        }
    }
}
