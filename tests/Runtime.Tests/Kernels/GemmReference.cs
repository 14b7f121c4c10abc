namespace Axon.Runtime.Tests.Kernels;

/// <summary>The reference every GEMM test checks against: the product written as three loops in double.</summary>
internal static class GemmReference
{
    /// <summary>
    /// C (+)= op(A)·op(B) by three loops in double, and Σ|terms| per element to scale the rounding allowance; A is
    /// [m × k] (or [k × m] transposed), B [k × n] (or [n × k] transposed), <paramref name="c0"/> the C added to.
    /// </summary>
    public static (double[] Expected, double[] Magnitude) Loop(double[] a, double[] b, double[] c0, int m, int n, int k, bool transA, bool transB, bool accumulate)
    {
        double[] expected = new double[m * n], magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? c0[i * n + j] : 0, abs = Math.Abs(sum);
                for (int p = 0; p < k; p++)
                {
                    double x = transA ? a[p * m + i] : a[i * k + p];
                    double y = transB ? b[j * k + p] : b[p * n + j];
                    sum += x * y;
                    abs += Math.Abs(x * y);
                }

                expected[i * n + j] = sum;
                magnitude[i * n + j] = abs;
            }
        }

        return (expected, magnitude);
    }
}
