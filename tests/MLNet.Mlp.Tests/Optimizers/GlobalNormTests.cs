using MLNet.Mlp.Optimizers;

namespace MLNet.Mlp.Tests.Optimizers;

/// <summary>The global norm that gradient clipping scales by has the same bits at every vector width.</summary>
public class GlobalNormTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(101_770)]
    public void EqualsEightInterleavedDoubleSumsBitForBit(int length)
    {
        var random = new Random(length);
        float[] values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 200 - 100) * (i % 5 == 0 ? 1e-3f : 1f);

        // The definition every width implements: value i goes into partial sum i mod 8, in order.
        double[] partial = new double[8];
        for (int i = 0; i < length; i++) partial[i & 7] += (double)values[i] * values[i];
        double sum = 0;
        for (int k = 0; k < 8; k++) sum += partial[k];

        Assert.Equal(BitConverter.DoubleToInt64Bits(Math.Sqrt(sum)), BitConverter.DoubleToInt64Bits(ClipByGlobalNorm.GlobalNorm(values)));
    }
}
