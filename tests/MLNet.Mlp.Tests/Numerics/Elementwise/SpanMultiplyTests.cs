using MLNet.Mlp.Numerics.Elementwise;

namespace MLNet.Mlp.Tests.Numerics.Elementwise;

/// <summary>The element-wise products of dropout, clipping and weight decay: the scalar loop's bits at every length, in place too.</summary>
public class SpanMultiplyTests
{
    private static float[] Values(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    [Fact]
    public void Pointwise_GivesEachProductsBitsAtEveryLengthAndInPlace()
    {
        for (int n = 0; n <= 70; n++)
        {
            float[] x = Values(n, n), y = Values(n, 1000 + n);
            var destination = new float[n + 1];
            destination[n] = 42f;
            SpanMultiply.Pointwise(x, y, destination);
            for (int i = 0; i < n; i++) Assert.Equal(BitConverter.SingleToInt32Bits(x[i] * y[i]), BitConverter.SingleToInt32Bits(destination[i]));
            Assert.Equal(42f, destination[n]);
            var inPlace = (float[])x.Clone();
            SpanMultiply.Pointwise(inPlace, y, inPlace);
            Assert.Equal(destination[..n], inPlace);
        }
    }

    [Fact]
    public void ByScalar_GivesEachProductsBitsAtEveryLength()
    {
        for (int n = 0; n <= 70; n++)
        {
            float[] x = Values(n, n);
            var scaled = (float[])x.Clone();
            SpanMultiply.ByScalar(scaled, 0.37f);
            for (int i = 0; i < n; i++) Assert.Equal(BitConverter.SingleToInt32Bits(x[i] * 0.37f), BitConverter.SingleToInt32Bits(scaled[i]));
        }
    }

    [Fact]
    public void Pointwise_RejectsSpansOfDifferentLengths()
    {
        Assert.Throws<ArgumentException>(() => SpanMultiply.Pointwise(new float[4], new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => SpanMultiply.Pointwise(new float[4], new float[4], new float[3]));
    }
}
