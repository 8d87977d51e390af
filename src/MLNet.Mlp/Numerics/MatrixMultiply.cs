namespace MLNet.Mlp.Numerics;

/// <summary>Row-major single-precision matrix multiply (placeholder; replaced by the blocked SIMD kernel).</summary>
public static class MatrixMultiply
{
    /// <summary>C[m×n] = op(A)·op(B) + rowBias (+ C when accumulate).</summary>
    /// <param name="a">A, stored [m×k] or [k×m] when <paramref name="transposeA"/>.</param>
    /// <param name="transposeA">Whether A is stored transposed.</param>
    /// <param name="b">B, stored [k×n] or [n×k] when <paramref name="transposeB"/>.</param>
    /// <param name="transposeB">Whether B is stored transposed.</param>
    /// <param name="c">The output, [m×n].</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">The inner dimension.</param>
    /// <param name="rowBias">Empty, or a length-n vector added to every row.</param>
    /// <param name="accumulate">Add to C instead of overwriting it.</param>
    /// <param name="maxThreads">How many cores may share the call.</param>
    public static void Multiply(ReadOnlySpan<float> a, bool transposeA, ReadOnlySpan<float> b, bool transposeB,
        Span<float> c, int m, int n, int k, ReadOnlySpan<float> rowBias = default, bool accumulate = false, int maxThreads = 1)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float s = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[p * m + i] : a[i * k + p];
                    float bv = transposeB ? b[j * k + p] : b[p * n + j];
                    s += av * bv;
                }
                if (!rowBias.IsEmpty) s += rowBias[j];
                c[i * n + j] = accumulate ? c[i * n + j] + s : s;
            }
        }
    }
}
