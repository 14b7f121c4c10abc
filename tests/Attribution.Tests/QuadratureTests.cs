namespace Axon.Attribution.Tests;

public class QuadratureTests
{
    private static double Integrate(IntegrationRule rule, int n, Func<double, double> f)
    {
        var nodes = new double[n];
        var weights = new double[n];
        Quadrature.GetNodes(rule, n, nodes, weights);
        double sum = 0;
        for (int k = 0; k < n; k++) sum += weights[k] * f(nodes[k]);
        return sum;
    }

    // ∫₀¹ αᵈ dα = 1/(d + 1); the monomial of the first degree a rule misses must be missed.
    [Theory]
    [InlineData(IntegrationRule.RiemannLeft, 7, 0)]
    [InlineData(IntegrationRule.RiemannRight, 7, 0)]
    [InlineData(IntegrationRule.RiemannMiddle, 7, 1)]
    [InlineData(IntegrationRule.RiemannTrapezoid, 7, 1)]
    [InlineData(IntegrationRule.RiemannTrapezoid, 2, 1)]
    [InlineData(IntegrationRule.GaussLegendre, 1, 1)]
    [InlineData(IntegrationRule.GaussLegendre, 2, 3)]
    [InlineData(IntegrationRule.GaussLegendre, 5, 9)]
    [InlineData(IntegrationRule.GaussLegendre, 12, 23)]
    [InlineData(IntegrationRule.GaussLegendre, 20, 39)]
    public void ExactUpToTheRuleDegreeAndNotBeyond(IntegrationRule rule, int n, int degree)
    {
        Assert.Equal(degree, Quadrature.ExactDegree(rule, n));
        for (int d = 0; d <= degree; d++)
        {
            double value = Integrate(rule, n, a => Math.Pow(a, d));
            Assert.True(Math.Abs(value - 1.0 / (d + 1)) < 1e-14, $"{rule} n={n} degree {d}: {value} vs {1.0 / (d + 1)}");
        }

        // Degree + 1 is missed. For Gauss–Legendre the error on α²ⁿ is known: (n!)⁴ / ((2n + 1)((2n)!)²); it is
        // checked while it stands above rounding.
        double next = Integrate(rule, n, a => Math.Pow(a, degree + 1)) - 1.0 / (degree + 2);
        if (rule == IntegrationRule.GaussLegendre)
        {
            double theory = Math.Exp(4 * LogFactorial(n) - Math.Log(2 * n + 1) - 2 * LogFactorial(2 * n));
            if (theory > 1e-12) Assert.Equal(theory, -next, theory * 1e-6);
        }
        else
        {
            Assert.True(Math.Abs(next) > 1e-6, $"{rule} n={n} integrates degree {degree + 1} exactly too");
        }

        // A whole polynomial of the exact degree with mixed coefficients.
        var c = BruteForce.RandomVector(degree + 1, 7);
        double exact = 0;
        for (int d = 0; d <= degree; d++) exact += c[d] / (d + 1);
        double approx = Integrate(rule, n, a => { double s = 0, p = 1; for (int d = 0; d <= degree; d++) { s += c[d] * p; p *= a; } return s; });
        Assert.Equal(exact, approx, 1e-13);
    }

    private static double LogFactorial(int n)
    {
        double s = 0;
        for (int k = 2; k <= n; k++) s += Math.Log(k);
        return s;
    }

    [Fact]
    public void GaussLegendreNodesAreSymmetricAscendingAndKnown()
    {
        var nodes = new double[3];
        var weights = new double[3];
        Quadrature.GetNodes(IntegrationRule.GaussLegendre, 3, nodes, weights);
        // On [−1, 1]: 0, ±√(3/5), weights 8/9 and 5/9.
        Assert.Equal((1 - Math.Sqrt(0.6)) / 2, nodes[0], 1e-15);
        Assert.Equal(0.5, nodes[1], 1e-15);
        Assert.Equal(5.0 / 18, weights[0], 1e-15);
        Assert.Equal(8.0 / 18, weights[1], 1e-15);

        foreach (int n in new[] { 1, 2, 7, 64, 257, 1024 })
        {
            nodes = new double[n];
            weights = new double[n];
            Quadrature.GetNodes(IntegrationRule.GaussLegendre, n, nodes, weights);
            Assert.Equal(1.0, weights.Sum(), 1e-12);
            for (int k = 0; k < n; k++)
            {
                Assert.InRange(nodes[k], 0, 1);
                Assert.True(weights[k] > 0);
                Assert.Equal(nodes[k], 1 - nodes[n - 1 - k], 1e-14);
                if (k > 0) Assert.True(nodes[k] > nodes[k - 1]);
            }

            // Smooth integrand: spectral accuracy.
            if (n >= 7) Assert.Equal(Math.E - 1, Integrate(IntegrationRule.GaussLegendre, n, Math.Exp), 1e-13);
        }
    }

    [Fact]
    public void StepCountsBelowTheMinimumAreRejected()
    {
        var buffer = new double[4];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Quadrature.GetNodes(IntegrationRule.GaussLegendre, 0, buffer, buffer));
        Assert.Contains("at least 1", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Quadrature.GetNodes(IntegrationRule.RiemannTrapezoid, 1, buffer, buffer));
        Assert.Contains("at least 2", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Quadrature.GetNodes(IntegrationRule.RiemannLeft, -3, buffer, buffer));
        Assert.Throws<ArgumentException>(() => Quadrature.GetNodes(IntegrationRule.RiemannLeft, 5, buffer, buffer));
    }
}
