using MLNet.Mlp.Numerics.Elementwise;

namespace MLNet.Mlp.Tests.Numerics.Elementwise;

/// <summary>The element-wise driver: every element at every length (each vector width and the scalar tail), and never past a span.</summary>
public class ElementwiseDriverTests
{
    [Fact]
    public void Apply_ComputesEveryElementAtEveryLengthAndLeavesTheRestAlone()
    {
        for (int n = 0; n <= 70; n++)
        {
            float[] x = Enumerable.Range(0, n).Select(i => i * 0.5f).ToArray(), y = Enumerable.Range(0, n).Select(i => 100f - i).ToArray();
            var sums = Enumerable.Repeat(-1f, n + 3).ToArray();
            ElementwiseDriver.Apply<AddOperator>(x, y, sums);
            var products = Enumerable.Repeat(-1f, n + 3).ToArray();
            ElementwiseDriver.Apply<MultiplyOperator>(x, 3f, products);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(x[i] + y[i], sums[i]);
                Assert.Equal(x[i] * 3f, products[i]);
            }
            Assert.All(sums[n..], v => Assert.Equal(-1f, v));
            Assert.All(products[n..], v => Assert.Equal(-1f, v));
        }
    }

    [Fact]
    public void Apply_RejectsASecondInputOrDestinationShorterThanTheFirstInput()
    {
        Assert.Throws<ArgumentException>(() => ElementwiseDriver.Apply<AddOperator>(new float[20], new float[19], new float[20]));
        Assert.Throws<ArgumentException>(() => ElementwiseDriver.Apply<AddOperator>(new float[20], new float[20], new float[19]));
        Assert.Throws<ArgumentException>(() => ElementwiseDriver.Apply<MultiplyOperator>(new float[20], 2f, new float[19]));
    }
}
