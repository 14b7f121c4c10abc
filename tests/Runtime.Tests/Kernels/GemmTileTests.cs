using System.Numerics;
using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// Tests that switch the GEMM's register tile (a process-wide switch) run alone, so that no other test's products
/// change tile half-way through a comparison of two runs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GemmTileCollection
{
    public const string Name = "GEMM tile switch";
}

/// <summary>
/// The packed product with each register tile (the 12 × 2-vector AVX-512 tile, and the 4 × 3-vector tile used
/// everywhere else, which this machine would otherwise not run) against a triple loop in double written here: shapes
/// on both sides of every tile and block edge (12 rows, 1 and 2 vectors of columns, the 144-row A block, the 256-deep
/// K block, the 384-column B block), 1 × 1 and primes, both operands plain and transposed, assign and accumulate,
/// products big enough to be split over the pool, and strided views (sub-matrices of larger ones, C with a wider row)
/// whose surroundings must stay untouched. On a machine without AVX-512 both runs use the 4 × 3 tile.
/// </summary>
[Collection(GemmTileCollection.Name)]
public sealed class GemmTileTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 12, 32, 8 }, { 11, 31, 7 }, { 13, 33, 9 }, { 12, 16, 5 }, { 24, 64, 3 }, { 23, 65, 129 },
        { 25, 17, 300 }, { 145, 40, 50 }, { 5, 400, 37 }, { 2, 3, 2 }, { 31, 97, 257 }, { 64, 256, 97 },
        // Over the pool's threshold (2²¹ multiply-adds): pieces by rows, and by columns.
        { 167, 128, 256 }, { 131, 100, 167 }, { 40, 290, 190 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BothTilesMatchTheLoopInDouble(int m, int n, int k)
    {
        foreach (bool tall in new[] { true, false }) Check<double>(tall, m, n, k, 1e-13);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BothTilesMatchTheLoopInFloat(int m, int n, int k)
    {
        foreach (bool tall in new[] { true, false }) Check<float>(tall, m, n, k, 2e-6);
    }

    /// <summary>
    /// Long rows that the dot-product kernel used to take (k ≥ 32 vectors): with the tall tile a dense layer's
    /// 784 → 256 at a batch of 64 goes through the packed product, a few columns still through the dot products.
    /// </summary>
    [Theory]
    [InlineData(64, 256, 784)]
    [InlineData(13, 70, 600)]
    [InlineData(40, 10, 784)]
    public void LongRowsMatchTheLoop(int m, int n, int k)
    {
        foreach (bool tall in new[] { true, false })
        {
            Check<double>(tall, m, n, k, 1e-13);
            Check<float>(tall, m, n, k, 2e-6);
        }
    }

    [Theory]
    [InlineData(30, 70, 41)]
    [InlineData(13, 33, 260)]
    [InlineData(150, 100, 150)]
    public void StridedViewsMatchTheLoopAndLeaveTheirSurroundings(int m, int n, int k)
    {
        foreach (bool tall in new[] { true, false })
        {
            StridedViews<double>(tall, m, n, k, 1e-13);
            StridedViews<float>(tall, m, n, k, 2e-6);
        }
    }

    private static void Check<T>(bool tall, int m, int n, int k, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(m * 7919 + n * 31 + k);
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
                    bool before = GemmSwitch.Tall;
                    GemmSwitch.Tall = tall;
                    try
                    {
                        Gemm.Multiply<T>(transA, transB, m, n, k, Convert<T>(a), Convert<T>(b), c, accumulate);
                    }
                    finally
                    {
                        GemmSwitch.Tall = before;
                    }

                    for (int i = 0; i < c.Length; i++)
                    {
                        double actual = double.CreateTruncating(c[i]);
                        Assert.True(Math.Abs(actual - expected[i]) <= tolerance * Math.Max(magnitude[i], 1),
                            $"{typeof(T).Name} tall={tall} {(transA ? "T" : "N")}{(transB ? "T" : "N")} acc={accumulate} {m}×{n}×{k}: C[{i}] = {actual:R}, expected {expected[i]:R}");
                    }
                }
            }
        }
    }

    /// <summary>
    /// A and B as views into larger matrices (3 extra columns, an offset of 2 rows, B in both storage orders) and C
    /// as an m × n window of an (m + 2) × (n + 5) matrix, through <c>GemmCore.Run</c>.
    /// </summary>
    private static unsafe void StridedViews<T>(bool tall, int m, int n, int k, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int Extra = 3, RowOffset = 2, CExtra = 5;
        var random = new Random(m + 13 * n + 101 * k);
        int lda = k + Extra, ldb = n + Extra, ldbT = k + Extra, ldc = n + CExtra;
        double[] aBig = Values((m + RowOffset) * lda, random), bBig = Values((k + RowOffset) * ldb, random), bTBig = Values((n + RowOffset) * ldbT, random);
        double[] a = new double[m * k], b = new double[k * n], bT = new double[k * n];
        for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) a[i * k + p] = aBig[(i + RowOffset) * lda + p];
        for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) b[p * n + j] = bBig[(p + RowOffset) * ldb + j];
        for (int j = 0; j < n; j++) for (int p = 0; p < k; p++) bT[p * n + j] = bTBig[(j + RowOffset) * ldbT + p];
        double[] cBig = Values((m + 2) * ldc, random);
        double[] c0 = new double[m * n];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) c0[i * n + j] = cBig[(i + 1) * ldc + 2 + j];

        foreach (bool transposedB in new[] { false, true })
        {
            foreach (bool accumulate in new[] { false, true })
            {
                var (expected, magnitude) = GemmReference.Loop(a, transposedB ? bT : b, c0, m, n, k, false, false, accumulate);
                T[] aT = Convert<T>(aBig), bSource = Convert<T>(transposedB ? bTBig : bBig), c = Convert<T>(cBig);
                bool before = GemmSwitch.Tall;
                GemmSwitch.Tall = tall;
                try
                {
                    fixed (T* pa = aT)
                    fixed (T* pb = bSource)
                    fixed (T* pc = c)
                    {
                        var sourceA = new StridedSource<T>(pa + RowOffset * lda, lda, 1);
                        var sourceB = transposedB ? new StridedSource<T>(pb + RowOffset * ldbT, ldbT, 1) : new StridedSource<T>(pb + RowOffset * ldb, 1, ldb);
                        GemmCore<T>.Run(sourceA, sourceB, m, n, k, pc + ldc + 2, ldc, accumulate, parallel: true);
                    }
                }
                finally
                {
                    GemmSwitch.Tall = before;
                }

                for (int row = 0; row < m + 2; row++)
                {
                    for (int col = 0; col < ldc; col++)
                    {
                        double actual = double.CreateTruncating(c[row * ldc + col]);
                        int i = row - 1, j = col - 2;
                        if (i < 0 || i >= m || j < 0 || j >= n)
                        {
                            Assert.True(actual == double.CreateTruncating(T.CreateTruncating(cBig[row * ldc + col])), $"{typeof(T).Name} tall={tall}: C outside the window changed at ({row}, {col})");
                            continue;
                        }

                        Assert.True(Math.Abs(actual - expected[i * n + j]) <= tolerance * Math.Max(magnitude[i * n + j], 1),
                            $"{typeof(T).Name} tall={tall} Bᵀ={transposedB} acc={accumulate} {m}×{n}×{k}: C[{i},{j}] = {actual:R}, expected {expected[i * n + j]:R}");
                    }
                }
            }
        }
    }

    private static double[] Values(int n, Random random)
    {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = random.NextDouble() * 2 - 1;
        return v;
    }

    private static T[] Convert<T>(double[] values) where T : unmanaged, IFloatingPointIeee754<T> => values.Select(T.CreateTruncating).ToArray();
}
