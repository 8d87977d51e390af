using MLNet.Mlp.Numerics.Elementwise;

namespace MLNet.Mlp.Tests.Numerics.Elementwise;

/// <summary>
/// The engine's own e^x (softmax rows, every training step): within 2 ulp of the correctly rounded value wherever the
/// result is a normal float, right at the ends of the range and for NaN/±∞, and independent of where in a span an
/// element falls, so a row scored inside a batch equals the row scored alone.
/// </summary>
public class VectorExpTests
{
    private static int UlpDistance(float a, float b)
    {
        int ia = BitConverter.SingleToInt32Bits(a), ib = BitConverter.SingleToInt32Bits(b);
        if (ia < 0) ia = int.MinValue - ia;
        if (ib < 0) ib = int.MinValue - ib;
        return Math.Abs(ia - ib);
    }

    [Fact]
    public void Exp_IsWithinTwoUlpOfTheCorrectlyRoundedValueOverTheNormalRange()
    {
        // Every 9,973rd float from 1e-30 to 88.7 (still finite), and its negation down to −87.3 (e^x still normal),
        // through the span path.
        var xs = new List<float>();
        for (int bits = BitConverter.SingleToInt32Bits(1e-30f); bits <= BitConverter.SingleToInt32Bits(88.7f); bits += 9_973)
        {
            float v = BitConverter.Int32BitsToSingle(bits);
            xs.Add(v);
            if (v <= 87.3f) xs.Add(-v);
        }
        xs.AddRange([0f, -0f, 1f, -1f, 0.34657359f, -0.34657359f, 88.72283f, -87.33654f]);
        var x = xs.ToArray();
        var y = new float[x.Length];
        VectorExp.ExpShifted(x, 0f, y);
        for (int i = 0; i < x.Length; i++)
        {
            float expected = (float)Math.Exp(x[i]);
            int ulps = UlpDistance(y[i], expected);
            Assert.True(ulps <= 2, $"exp({x[i]:R}) = {y[i]:R}, correctly rounded {expected:R}: {ulps} ulp apart.");
        }
        Assert.True(x.Length > 100_000, "the sweep covers the range densely");
    }

    [Theory]
    [InlineData(float.NegativeInfinity, 0f)]
    [InlineData(-200f, 0f)]
    [InlineData(-104f, 0f)]
    [InlineData(89f, float.PositiveInfinity)]
    [InlineData(1000f, float.PositiveInfinity)]
    [InlineData(float.PositiveInfinity, float.PositiveInfinity)]
    [InlineData(0f, 1f)]
    public void Exp_SaturatesToZeroAndInfinityAtTheEndsOfTheRange(float x, float expected)
    {
        Assert.Equal(expected, VectorExp.Exp(x));
        var y = new float[20];
        VectorExp.ExpShifted(Enumerable.Repeat(x, 20).ToArray(), 0f, y);
        Assert.All(y, v => Assert.Equal(expected, v));
    }

    [Fact]
    public void Exp_IsCloseToTheTrueValueWhereTheResultIsSubnormal()
    {
        for (float x = -103.5f; x < -87.4f; x += 0.25f)
        {
            double expected = Math.Exp(x);
            float actual = VectorExp.Exp(x);
            // A subnormal carries fewer bits: compare against the spacing of subnormals (2^−149).
            Assert.True(Math.Abs(actual - expected) <= 2 * Math.Pow(2, -149) + 4e-7 * expected, $"exp({x}) = {actual:R}, expected {expected:R}");
        }
    }

    [Fact]
    public void Exp_ReturnsNaNForNaNWhereverItFalls()
    {
        for (int at = 0; at < 40; at++)
        {
            var x = Enumerable.Range(0, 40).Select(i => i * 0.1f).ToArray();
            x[at] = float.NaN;
            var y = new float[40];
            VectorExp.ExpShifted(x, 0f, y);
            for (int i = 0; i < 40; i++)
                Assert.Equal(i == at, float.IsNaN(y[i]));
        }
    }

    [Fact]
    public void Exp_GivesEachElementTheSameBitsWhateverItsPositionAndTheSpanLength()
    {
        // The whole range, subnormal results and overflow included (where the split 2^n matters), and ±∞ and NaN:
        // vector lanes must give exactly the scalar's bits.
        var random = new Random(5);
        var values = Enumerable.Range(0, 200).Select(_ => (float)(random.NextDouble() * 205 - 110)).ToArray();
        values[3] = float.PositiveInfinity;
        values[50] = float.NegativeInfinity;
        values[77] = float.NaN;
        values[120] = 88.72f;
        values[121] = -103.9f;
        var alone = values.Select(v => VectorExp.Exp(v - 1.5f)).ToArray();
        for (int length = 1; length <= 70; length++)
        {
            for (int offset = 0; offset + length <= values.Length; offset += 37)
            {
                var y = new float[length];
                VectorExp.ExpShifted(values.AsSpan(offset, length), 1.5f, y);
                for (int i = 0; i < length; i++)
                    Assert.Equal(BitConverter.SingleToInt32Bits(alone[offset + i]), BitConverter.SingleToInt32Bits(y[i]));
            }
        }
    }

    [Fact]
    public void ExpShifted_MayWriteOverItsInput()
    {
        var x = Enumerable.Range(0, 33).Select(i => i * 0.25f - 4f).ToArray();
        var expected = x.Select(v => VectorExp.Exp(v - 2f)).ToArray();
        VectorExp.ExpShifted(x, 2f, x);
        Assert.Equal(expected, x);
    }

    [Fact]
    public void ExpShifted_RejectsAShortOrPartlyOverlappingDestination()
    {
        var error = Assert.Throws<ArgumentException>(() => VectorExp.ExpShifted(new float[5], 0f, new float[4]));
        Assert.Equal("destination", error.ParamName);
        var buffer = new float[40];
        error = Assert.Throws<ArgumentException>(() => VectorExp.ExpShifted(buffer.AsSpan(0, 30), 0f, buffer.AsSpan(5, 30)));
        Assert.Equal("destination", error.ParamName);
    }
}
