using MLNet.Mlp.Activations;

namespace MLNet.Mlp.Tests.Activations;

/// <summary>
/// Softmax and log-sum-exp, which run on every row of every training batch with the engine's own vector kernels:
/// they agree with a double-precision reference at every width (vector bodies and scalar tails), keep NaN visible,
/// and reject what they cannot compute.
/// </summary>
public class StableMathTests
{
    public static TheoryData<int> Widths => [1, 2, 3, 7, 8, 9, 10, 15, 16, 17, 24, 31, 33, 64, 100, 1000];

    [Theory]
    [MemberData(nameof(Widths))]
    public void Softmax_MatchesADoublePrecisionReferenceAtEveryWidth(int width)
    {
        var random = new Random(width);
        for (int trial = 0; trial < 20; trial++)
        {
            float scale = trial % 2 == 0 ? 3f : 40f;
            var z = Enumerable.Range(0, width).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale + 500f * (trial % 3 - 1)).ToArray();
            var a = new float[width];
            StableMath.Softmax(z, a);
            float max = z.Max();
            // The float subtraction z − max is part of the contract (it rounds, as in every float softmax); what
            // follows it must stay within a few ulp.
            var e = z.Select(v => Math.Exp(v - max)).ToArray();
            double sum = e.Sum();
            for (int i = 0; i < width; i++)
            {
                double expected = e[i] / sum;
                Assert.True(Math.Abs(a[i] - expected) <= 1e-6 * expected + 1e-30, $"width {width}, element {i}: {a[i]:R} against {expected:R}");
            }
            Assert.Equal(1.0, a.Sum(v => (double)v), 5);
        }
    }

    [Fact]
    public void Softmax_OfARowWithNaNIsNaN()
    {
        foreach (int width in new[] { 3, 10, 40 })
        {
            var z = Enumerable.Range(0, width).Select(i => (float)i).ToArray();
            z[width / 2] = float.NaN;
            var a = new float[width];
            StableMath.Softmax(z, a);
            Assert.All(a, v => Assert.True(float.IsNaN(v)));
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(40)]
    public void Softmax_GivesMaskedLogitsExactlyZeroAndStillSumsToOne(int width)
    {
        var z = Enumerable.Range(0, width).Select(i => i % 3 == 0 ? float.NegativeInfinity : i * 0.1f).ToArray();
        var a = new float[width];
        StableMath.Softmax(z, a);
        for (int i = 0; i < width; i++)
        {
            if (i % 3 == 0) Assert.Equal(0f, a[i]);
            else Assert.True(a[i] > 0f && float.IsFinite(a[i]));
        }
        Assert.Equal(1.0, a.Sum(v => (double)v), 5);
    }

    [Fact]
    public void Softmax_OfARowWithPositiveInfinityIsNaN()
    {
        var a = new float[10];
        StableMath.Softmax([1f, 2f, float.PositiveInfinity, 3f, 0f, 0f, 0f, 0f, 0f, 0f], a);
        Assert.All(a, v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void Softmax_LeavesTheDestinationBeyondTheRowUntouched()
    {
        var a = Enumerable.Repeat(7f, 12).ToArray();
        StableMath.Softmax([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f], a);
        Assert.Equal(7f, a[10]);
        Assert.Equal(7f, a[11]);
    }

    [Fact]
    public void Softmax_RejectsAnEmptyRowAShortDestinationAndAShiftedOverlap()
    {
        Assert.Throws<ArgumentException>(() => StableMath.Softmax([], new float[1]));
        var error = Assert.Throws<ArgumentException>(() => StableMath.Softmax([1f, 2f, 3f], new float[2]));
        Assert.Equal("destination", error.ParamName);
        var buffer = new float[12];
        error = Assert.Throws<ArgumentException>(() => StableMath.Softmax(buffer.AsSpan(0, 10), buffer.AsSpan(1, 10)));
        Assert.Equal("destination", error.ParamName);
        StableMath.Softmax(buffer.AsSpan(0, 10), buffer.AsSpan(0, 10));   // in place is allowed
        Assert.Equal(0.1f, buffer[0], 6);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void LogSumExp_MatchesADoublePrecisionReference(int width)
    {
        var random = new Random(100 + width);
        var z = Enumerable.Range(0, width).Select(_ => (float)(random.NextDouble() * 80 - 40) + 1000f).ToArray();
        double max = z.Max();
        double expected = max + Math.Log(z.Sum(v => Math.Exp(v - max)));
        Assert.Equal(expected, StableMath.LogSumExp(z), 3);
    }

    [Fact]
    public void LogSumExp_KeepsInfiniteAndNaNInputsVisible()
    {
        Assert.Equal(float.PositiveInfinity, StableMath.LogSumExp([1f, float.PositiveInfinity, 2f]));
        Assert.Equal(float.NegativeInfinity, StableMath.LogSumExp([float.NegativeInfinity, float.NegativeInfinity]));
        Assert.True(float.IsNaN(StableMath.LogSumExp([1f, float.NaN, 2f])));
    }
}
