namespace MLNet.Mlp.Tests.GradientChecking;

/// <summary>
/// Central finite differences on float inputs, evaluated and compared in double precision.
/// </summary>
/// <remarks>
/// The engine runs in float32, so an objective value carries a relative rounding error of roughly 1e-7 per
/// output; divided by the 2h = 2e-3 of a central difference that is ~1e-4 of absolute noise on an objective of
/// order 1, while the truncation error of the central difference is O(h²) ≈ 1e-6. Hence the default test
/// |num − ana| ≤ 1e-2·max(|num|, |ana|) + 1e-3: the absolute term covers the float noise, the relative term covers
/// the float error of the analytic gradient itself and the curvature of saturating functions. A wrong factor
/// (a missing 1/m, a dropped term, a wrong sign) misses it by orders of magnitude.
/// The step actually taken is (x + h) − (x − h) as represented in float, not 2h, so rounding of the perturbed
/// input does not bias the quotient.
/// </remarks>
internal static class FiniteDifference
{
    public const float Step = 1e-3f;
    public const double RelativeTolerance = 1e-2;
    public const double AbsoluteTolerance = 1e-3;

    /// <summary>∂objective/∂values[i] for every i (values are restored afterwards).</summary>
    public static double[] Gradient(float[] values, Func<double> objective, float step = Step)
        => Gradient(values, 0, values.Length, objective, step);

    /// <summary>∂objective/∂values[offset + i] for i in [0, count).</summary>
    public static double[] Gradient(float[] values, int offset, int count, Func<double> objective, float step = Step)
    {
        var g = new double[count];
        for (int i = 0; i < count; i++)
        {
            int j = offset + i;
            float original = values[j];
            float up = original + step, down = original - step;
            values[j] = up;
            double fUp = objective();
            values[j] = down;
            double fDown = objective();
            values[j] = original;
            g[i] = (fUp - fDown) / ((double)up - down);
        }
        return g;
    }

    /// <summary>Asserts every entry agrees within the tolerance, and that the gradient is not trivially zero.</summary>
    public static void AssertClose(ReadOnlySpan<double> numeric, ReadOnlySpan<float> analytic, string what,
        double relativeTolerance = RelativeTolerance, double absoluteTolerance = AbsoluteTolerance)
    {
        Assert.Equal(numeric.Length, analytic.Length);
        double largest = 0;
        for (int i = 0; i < numeric.Length; i++)
        {
            double num = numeric[i], ana = analytic[i];
            double allowed = relativeTolerance * Math.Max(Math.Abs(num), Math.Abs(ana)) + absoluteTolerance;
            Assert.True(double.IsFinite(ana), $"{what}[{i}]: analytic gradient {ana} is not finite");
            Assert.True(Math.Abs(num - ana) <= allowed,
                $"{what}[{i}]: numeric {num:G6} vs analytic {ana:G6} (|diff| {Math.Abs(num - ana):G3} > {allowed:G3})");
            largest = Math.Max(largest, Math.Abs(num));
        }
        // A check where every gradient is ~0 proves nothing: the fixtures are chosen so that it is not.
        Assert.True(largest > 10 * absoluteTolerance, $"{what}: every gradient is ~0 (max {largest:G3}); the check is vacuous");
    }

    /// <summary>Uniform floats in [lo, hi), optionally kept at least <paramref name="awayFromZero"/> from 0.</summary>
    public static float[] Uniform(Random random, int count, float lo, float hi, float awayFromZero = 0f)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            float v;
            do v = lo + (hi - lo) * random.NextSingle(); while (Math.Abs(v) < awayFromZero);
            values[i] = v;
        }
        return values;
    }

    /// <summary>Σ c_i·y_i in double: the scalar objective that makes every output's gradient count.</summary>
    public static double Dot(ReadOnlySpan<float> c, ReadOnlySpan<float> y)
    {
        Assert.Equal(c.Length, y.Length);
        double s = 0;
        for (int i = 0; i < c.Length; i++) s += (double)c[i] * y[i];
        return s;
    }
}
