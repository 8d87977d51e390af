namespace MLNet.Mlp.Activations;

/// <summary>The Gauss error function, which .NET's Math class does not provide.</summary>
internal static class ErrorFunction
{
    /// <summary>erf(x) with absolute error below 1.2e-7 (Numerical Recipes' erfc Chebyshev fit), enough for float.</summary>
    public static float Erf(float x)
    {
        double z = Math.Abs((double)x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double erfc = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
            + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
            + t * (-0.82215223 + t * 0.17087277)))))))));
        double r = 1.0 - erfc;
        return (float)(x >= 0 ? r : -r);
    }
}
