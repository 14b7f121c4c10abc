using System.Numerics;
using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

public sealed class GemmTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 1, 7, 1 }, { 3, 1, 5 }, { 1, 1, 300 }, { 4, 48, 16 }, { 5, 49, 17 }, { 3, 47, 9 },
        { 8, 784, 9 }, { 9, 784, 8 }, { 16, 72, 196 }, { 13, 11, 257 }, { 33, 385, 70 }, { 64, 100, 130 },
        { 7, 3, 1000 }, { 130, 200, 100 }, { 2, 2, 0 },
        // Transposed B packed in 8 × 8 register blocks (float) with partial lanes and depth; the MLP's 256 → 128 layer.
        { 20, 130, 43 }, { 167, 128, 256 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesNaiveProductInDouble(int m, int n, int k) => CheckAllVariants<double>(m, n, k, 1e-13);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesNaiveProductInFloat(int m, int n, int k) => CheckAllVariants<float>(m, n, k, 2e-6);

    private static void CheckAllVariants<T>(int m, int n, int k, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(m * 1000 + n * 10 + k);
        double[] a = Values(m * k, random), b = Values(k * n, random), c0 = Values(m * n, random);
        foreach (bool transA in new[] { false, true })
        {
            foreach (bool transB in new[] { false, true })
            {
                foreach (bool accumulate in new[] { false, true })
                {
                    var (expected, magnitude) = GemmReference.Loop(a, b, c0, m, n, k, transA, transB, accumulate);

                    T[] c = c0.Select(T.CreateTruncating).ToArray();
                    if (!accumulate) Array.Fill(c, T.NaN); // must be overwritten, not read
                    Gemm.Multiply<T>(transA, transB, m, n, k, Convert<T>(a), Convert<T>(b), c, accumulate);
                    for (int i = 0; i < c.Length; i++)
                    {
                        double actual = double.CreateTruncating(c[i]);
                        Assert.True(Math.Abs(actual - expected[i]) <= tolerance * Math.Max(magnitude[i], 1),
                            $"{typeof(T).Name} {(transA ? "T" : "N")}{(transB ? "T" : "N")} acc={accumulate} {m}×{n}×{k}: C[{i}] = {actual:R}, expected {expected[i]:R}");
                    }
                }
            }
        }
    }

    [Fact]
    public void InfinitiesInOneRowDoNotLeakIntoItsNeighbours()
    {
        // Long rows with a partial last vector: the dot-product kernel reads past a row's end and must mask it.
        const int M = 9, N = 7, K = 150;
        var random = new Random(3);
        double[] a = Values(M * K, random), b = Values(N * K, random);
        for (int i = 1; i < M; i += 2) a[i * K] = double.PositiveInfinity;
        for (int j = 1; j < N; j += 2) b[j * K] = double.NaN;
        double[] c = new double[M * N];
        Gemm.Multiply<double>(false, true, M, N, K, a, b, c, false);
        float[] cF = new float[M * N];
        Gemm.Multiply<float>(false, true, M, N, K, a.Select(v => (float)v).ToArray(), b.Select(v => (float)v).ToArray(), cF, false);
        for (int i = 0; i < M; i += 2)
        {
            for (int j = 0; j < N; j += 2)
            {
                double expected = 0;
                for (int p = 0; p < K; p++) expected += a[i * K + p] * b[j * K + p];
                Assert.Equal(expected, c[i * N + j], 1e-12);
                Assert.Equal(expected, cF[i * N + j], 1e-4);
            }
        }
    }

    [Fact]
    public void ConcurrentCallersGetTheSameResultsAsOne()
    {
        const int M = 160, N = 150, K = 140;
        var random = new Random(5);
        double[] a = Values(M * K, random), b = Values(K * N, random);
        double[] expected = new double[M * N];
        Gemm.Multiply<double>(false, true, M, N, K, a, b, expected, false);
        var results = new double[6][];
        Parallel.For(0, results.Length, t =>
        {
            results[t] = new double[M * N];
            for (int repeat = 0; repeat < 5; repeat++) Gemm.Multiply<double>(false, true, M, N, K, a, b, results[t], false);
        });
        foreach (double[] r in results) Assert.Equal(expected, r);
    }

    [Fact]
    public void RejectsWrongLengthsNamingTheSpan()
    {
        double[] a = new double[6], b = new double[12], c = new double[8];
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => Gemm.Multiply<double>(false, false, 2, 4, 3, new double[5], b, c, false)).ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => Gemm.Multiply<double>(false, false, 2, 4, 3, a, new double[11], c, false)).ParamName);
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<double>(false, false, 2, 4, 3, a, b, new double[9], false));
        Assert.Equal("c", e.ParamName);
        Assert.Contains("expected 8", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply<double>(false, false, -1, 4, 3, a, b, c, false));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply<double>(false, false, 2, 3, 3, a, b.AsSpan(0, 9), a, false));
    }

    private static double[] Values(int n, Random random)
    {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = random.NextDouble() * 2 - 1;
        return v;
    }

    private static T[] Convert<T>(double[] values) where T : unmanaged, IFloatingPointIeee754<T> => values.Select(T.CreateTruncating).ToArray();
}
