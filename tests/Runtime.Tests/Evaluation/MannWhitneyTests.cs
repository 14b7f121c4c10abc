using Axon.Evaluation;

namespace Axon.Runtime.Tests;

/// <summary>The Mann–Whitney U test against a brute-force pair count, the exact permutation distribution, and erfc's known values.</summary>
public class MannWhitneyTests
{
    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 0.15729920705028513)]
    [InlineData(2.0, 0.004677734981047266)]
    [InlineData(3.0, 2.209049699858544e-05)]
    [InlineData(5.0, 1.5374597944280349e-12)]
    public void ErfcMatchesKnownValues(double x, double expected) =>
        Assert.True(Math.Abs(MannWhitneyResult.Erfc(x) - expected) <= 1e-13 + 1e-12 * expected, $"erfc({x}) = {MannWhitneyResult.Erfc(x)}");

    [Fact]
    public void UCountsThePairsAndPFollowsTheExactPermutationDistribution()
    {
        double[] a = [1.2, 3.4, 2.2, 5.0, 4.1, 2.2, 6.3, 0.7];
        double[] b = [0.5, 1.1, 2.2, 0.9, 1.8, 3.0, 0.2, 1.4];
        var result = MannWhitneyResult.Test(a, b);

        double pairs = 0;
        foreach (double x in a) foreach (double y in b) pairs += x > y ? 1 : x == y ? 0.5 : 0;
        Assert.Equal(pairs, result.U, 12);

        // Exact two-sided p: over every split of the 16 pooled values into 8 + 8, how often |U − 32| ≥ the observed.
        double[] pooled = [.. a, .. b];
        double observed = Math.Abs(pairs - 32), extreme = 0, total = 0;
        for (int mask = 0; mask < 1 << 16; mask++)
        {
            if (System.Numerics.BitOperations.PopCount((uint)mask) != 8) continue;
            double u = 0;
            for (int i = 0; i < 16; i++)
                for (int j = 0; j < 16; j++)
                    if ((mask >> i & 1) == 1 && (mask >> j & 1) == 0) u += pooled[i] > pooled[j] ? 1 : pooled[i] == pooled[j] ? 0.5 : 0;
            total++;
            if (Math.Abs(u - 32) >= observed - 1e-9) extreme++;
        }

        double exact = extreme / total;
        Assert.InRange(result.PValue, exact - 0.01, exact + 0.01); // the normal approximation with continuity correction, n = 8 + 8
        Assert.True(result.Z > 0);

        // Symmetric: swapping the samples mirrors U and keeps p.
        var swapped = MannWhitneyResult.Test(b, a);
        Assert.Equal(64 - result.U, swapped.U, 12);
        Assert.Equal(result.PValue, swapped.PValue, 12);
        Assert.Equal(1.0, MannWhitneyResult.Test([1.0, 1, 1], [1.0, 1]).PValue);
        Assert.Throws<ArgumentException>(() => MannWhitneyResult.Test([double.NaN], [1.0]));
    }
}
