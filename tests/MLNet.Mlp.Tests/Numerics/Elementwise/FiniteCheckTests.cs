using MLNet.Mlp.Numerics.Elementwise;

namespace MLNet.Mlp.Tests.Numerics.Elementwise;

/// <summary>The finite check reports the first NaN or ±∞ wherever it falls: in a four-vector block, a single vector or the tail.</summary>
public class FiniteCheckTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(200)]
    [InlineData(1_003)]
    public void IndexOfNonFinite_FindsTheFirstBadValue(int length)
    {
        var values = Enumerable.Range(0, length).Select(i => (float)Math.Sin(i) * 1e30f).ToArray();
        Assert.Equal(-1, FiniteCheck.IndexOfNonFinite(values));
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            for (int at = 0; at < length; at += 1 + at / 3)
            {
                var copy = (float[])values.Clone();
                copy[at] = bad;
                if (at + 5 < length) copy[at + 5] = float.NaN;   // a later bad value must not be reported instead
                Assert.Equal(at, FiniteCheck.IndexOfNonFinite(copy));
            }
        }
    }
}
