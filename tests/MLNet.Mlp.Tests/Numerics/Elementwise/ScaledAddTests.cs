using MLNet.Mlp.Numerics.Elementwise;

namespace MLNet.Mlp.Tests.Numerics.Elementwise;

/// <summary>y ← x·a + y: every width (vector bodies and tail) gives the scalar loop's bits, product and sum rounded apart.</summary>
public class ScaledAddTests
{
    [Fact]
    public void EveryLengthEqualsTheUnfusedScalarLoopBitForBitAndLeavesTheRestAlone()
    {
        var random = new Random(11);
        for (int n = 0; n <= 70; n++)
        {
            var x = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1) * 1e3f).ToArray();
            var y = Enumerable.Range(0, n + 3).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            float a = (float)random.NextDouble() * 0.37f;
            var expected = (float[])y.Clone();
            for (int i = 0; i < n; i++)
            {
                float product = x[i] * a;
                expected[i] = product + expected[i];
            }
            ScaledAdd.Into(x, a, y);
            Assert.Equal(expected, y);
        }
    }

    [Fact]
    public void AShorterDestinationIsRefused()
        => Assert.Throws<ArgumentException>(() => ScaledAdd.Into(new float[5], 1f, new float[4]));
}
