using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Numerics.MatrixMultiplication;

/// <summary>
/// Single-precision matrix multiply (GEMM) for the network's dense layers: packed panels around a
/// register-blocked FMA micro-kernel, with deterministic results for any thread count.
/// </summary>
public static class MatrixMultiply
{
    /// <summary>
    /// C[m×n] = op(A)·op(B) + rowBias (broadcast to every row, optional) (+ C when accumulate).
    /// Row-major. op(A) is m×k: A is stored [m×k], or [k×m] when <paramref name="transposeA"/>.
    /// op(B) is k×n: B is stored [k×n], or [n×k] when <paramref name="transposeB"/>.
    /// </summary>
    /// <param name="a">Left operand, at least m·k values.</param>
    /// <param name="transposeA">Whether <paramref name="a"/> is stored [k×m] (use its transpose).</param>
    /// <param name="b">Right operand, at least k·n values.</param>
    /// <param name="transposeB">Whether <paramref name="b"/> is stored [n×k] (use its transpose).</param>
    /// <param name="c">Output, at least m·n values; read as well when <paramref name="accumulate"/> is set.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A) and rows of op(B).</param>
    /// <param name="rowBias">Empty, or n values added to every row of C.</param>
    /// <param name="accumulate">Add the product to the existing contents of C instead of overwriting them.</param>
    /// <param name="maxThreads">How many cores may share this call (at least 1). Results are bit-identical for any value.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or <paramref name="maxThreads"/> is below 1.</exception>
    /// <exception cref="ArgumentException">A span is too short for the sizes, or the bias length is not n.</exception>
    public static void Multiply(ReadOnlySpan<float> a, bool transposeA, ReadOnlySpan<float> b, bool transposeB,
        Span<float> c, int m, int n, int k, ReadOnlySpan<float> rowBias = default, bool accumulate = false, int maxThreads = 1)
    {
        Multiply(a, transposeA, b, transposeB, c, m, n, k, rowBias, accumulate, maxThreads, GemmDriver.DefaultKind);
    }

    /// <summary>As the public overload, with the kernel family chosen by the caller (tests cover the fallbacks this way).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void Multiply(ReadOnlySpan<float> a, bool transposeA, ReadOnlySpan<float> b, bool transposeB,
        Span<float> c, int m, int n, int k, ReadOnlySpan<float> rowBias, bool accumulate, int maxThreads, GemmKernelKind kind)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        if (a.Length < (long)m * k)
        {
            throw new ArgumentException($"A needs at least m·k = {(long)m * k} values but has {a.Length}.", nameof(a));
        }

        if (b.Length < (long)k * n)
        {
            throw new ArgumentException($"B needs at least k·n = {(long)k * n} values but has {b.Length}.", nameof(b));
        }

        if (c.Length < (long)m * n)
        {
            throw new ArgumentException($"C needs at least m·n = {(long)m * n} values but has {c.Length}.", nameof(c));
        }

        if (!rowBias.IsEmpty && rowBias.Length != n)
        {
            throw new ArgumentException($"The row bias must be empty or have n = {n} values but has {rowBias.Length}.", nameof(rowBias));
        }

        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            FillWithoutProduct(c, m, n, rowBias, accumulate);
            return;
        }

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        fixed (float* pBias = rowBias)
        {
            // One row against W stored [n×k] (a dense layer at batch 1; a stored [k×1] is the same vector): packing W
            // for a single row would cost as much as the product itself. The scalar family's blocks of few rows go
            // row by row too, since the vectorized row kernel gives its bits several times faster.
            if (transposeB && (m == 1 || (kind == GemmKernelKind.Scalar && !transposeA && m <= GemmDriver.DotMaxRows))
                && MatrixVectorKernel.Supports(kind))
            {
                float* bias = rowBias.IsEmpty ? null : pBias;
                for (int i = 0; i < m; i++)
                {
                    MatrixVectorKernel.MultiplyTransposed(kind, pa + (nint)i * k, pb, pc + (nint)i * n, n, k, bias, accumulate);
                }

                return;
            }

            var job = new GemmJob
            {
                A = pa,
                B = pb,
                C = pc,
                Bias = rowBias.IsEmpty ? null : pBias,
                M = m,
                N = n,
                K = k,
                TransposeA = transposeA,
                TransposeB = transposeB,
                Accumulate = accumulate,
                Kind = kind,
            };
            GemmDriver.Run(ref job, maxThreads);
        }
    }

    // k == 0: the product is zero, so C becomes bias (or keeps its contents plus bias).
    private static void FillWithoutProduct(Span<float> c, int m, int n, ReadOnlySpan<float> rowBias, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * n, n);
            if (!accumulate)
            {
                if (rowBias.IsEmpty)
                {
                    row.Clear();
                }
                else
                {
                    rowBias.CopyTo(row);
                }
            }
            else if (!rowBias.IsEmpty)
            {
                for (int j = 0; j < n; j++)
                {
                    row[j] += rowBias[j];
                }
            }
        }
    }
}
