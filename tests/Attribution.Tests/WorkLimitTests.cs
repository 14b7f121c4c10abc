namespace Axon.Attribution.Tests;

/// <summary>
/// Requests too large to run — step counts, baseline draws, region counts — fail at once with a message that names
/// the number or product at fault, before any result changes (they used to run out of memory, wrap an int into a
/// generic out-of-range message, or compute Gauss–Legendre nodes for minutes).
/// </summary>
public class WorkLimitTests
{
    private readonly HandModel<double> _model = new(4, 5, 3, HandModel<double>.Act.Tanh);
    private readonly double[] _x = BruteForce.RandomVector(8, 1, 1);

    private static void Throws(Action call, params string[] fragments)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(call);
        foreach (string fragment in fragments) Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StepCountsAboveTheBoundAreRejectedNamingTheBound()
    {
        var engine = new Attributor<double>(_model, stepBatch: 4);
        var result = Enumerable.Repeat(42.0, 8).ToArray();
        var layerResult = Enumerable.Repeat(42.0, 10).ToArray();
        var deltas = new[] { 42.0, 42.0 };
        string bound = $"the {Quadrature.MaxSteps} any rule takes";

        Throws(() => engine.IntegratedGradients(_x, 1, Baseline<double>.Zero, result, new IntegrationOptions { Steps = int.MaxValue }, deltas), "2147483647 steps", bound);
        Throws(() => engine.IntegratedGradients(_x, 1, Baseline<double>.Zero, result, new IntegrationOptions { Steps = 1_000_000 }, deltas), "1000000 steps", bound);
        Throws(() => engine.LayerConductance(1, _x, 1, Baseline<double>.Zero, layerResult,
            new IntegrationOptions { Rule = IntegrationRule.RiemannRight, PathForm = LayerPathForm.Difference, Steps = int.MaxValue }, deltas), "2147483647 steps", bound);
        Throws(() => engine.IntegratedGradients(_x, 1, Baseline<double>.Zero, result, new IntegrationOptions { Tolerance = 1e-3, MaxSteps = int.MaxValue }, deltas),
            "MaxSteps (2147483647)", $"{Quadrature.MaxSteps}");
        Throws(() => Quadrature.GetNodes(IntegrationRule.GaussLegendre, Quadrature.MaxSteps + 1, new double[20_000], new double[20_000]), bound);

        Assert.All(result, v => Assert.Equal(42.0, v));
        Assert.All(layerResult, v => Assert.Equal(42.0, v));
        Assert.All(deltas, v => Assert.Equal(42.0, v));
    }

    [Fact]
    public void GaussLegendreAtTheBoundIsFastAndAccurate()
    {
        int n = Quadrature.MaxSteps;
        var nodes = new double[n];
        var weights = new double[n];
        Quadrature.GetNodes(IntegrationRule.GaussLegendre, 64, nodes, weights); // JIT outside the timing

        // CPU time of this thread, not wall-clock time, so that a busy machine does not fail the test. Before, the
        // Newton loop's stopping test was rarely met at rounding level: 100 iterations per node, 1e6 steps ran for
        // minutes and this bound took seconds.
        var elapsed = ThreadCpuTime.Measure(() => Quadrature.GetNodes(IntegrationRule.GaussLegendre, n, nodes, weights));
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"{n} Gauss–Legendre nodes took {elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(1.0, weights.Sum(), 1e-12);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(1.0, nodes[i] + nodes[n - 1 - i], 1e-14);
            if (i > 0) Assert.True(nodes[i] > nodes[i - 1]);
        }

        // Exact for polynomials up to degree 2n − 1: ∫₀¹ α^d dα = 1/(d + 1).
        foreach (int degree in new[] { 1, 2, 7, 40, 501 })
        {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += weights[i] * Math.Pow(nodes[i], degree);
            Assert.Equal(1.0 / (degree + 1), sum, 1e-12);
        }
    }

    [Fact]
    public void HugeBaselineDrawsAreRejectedNamingTheProduct()
    {
        var engine = new Attributor<double>(_model, stepBatch: 4);
        var result = Enumerable.Repeat(42.0, 8).ToArray();
        var deltas = new[] { 42.0, 42.0 };
        var set = BruteForce.RandomVector(8, 2, 1);

        Throws(() => engine.IntegratedGradients(_x, 1, Baseline<double>.Distribution(set, samples: int.MaxValue), result, null, deltas),
            "2 input(s) × 2147483647 baseline(s) per input = 4294967294 paths");
        Throws(() => engine.IntegratedGradients(_x.AsSpan(0, 4), 1, Baseline<double>.Distribution(set, samples: int.MaxValue), result.AsSpan(0, 4), null, deltas.AsSpan(0, 1)),
            "1 input(s) × 2147483647 baseline(s) per input = 2147483647 paths");
        Throws(() => engine.IntegratedGradients(_x, 1, Baseline<double>.Distribution(set, samples: 100_000_000), result, null, deltas),
            "200000000 path(s) × 50 node(s) = 10000000000 model evaluations");
        Throws(() => engine.DeepLift(2, _x, 1, Baseline<double>.Distribution(set, samples: int.MaxValue), new double[10], deltas), "4294967294 paths");

        Assert.All(result, v => Assert.Equal(42.0, v));
        Assert.All(deltas, v => Assert.Equal(42.0, v));
    }

    [Fact]
    public void PatchIntegratedGradientsWithMillionsOfRegionsIsRejectedNamingTheProduct()
    {
        var model = new HandModel<float>(800, 2, 2, HandModel<float>.Act.Tanh);
        var engine = new Attributor<float>(model, stepBatch: 4);
        var x = new float[800];
        var result = new float[6];
        Array.Fill(result, 42f);
        var regions = new InputRegion[3_000_000];
        Array.Fill(regions, InputRegion.Range(0, 1));

        Throws(() => engine.PatchIntegratedGradients(1, regions, x, 0, Baseline<float>.Zero, result),
            "3000000 regions × 800 input elements = 2400000000 region indicator values");
        Assert.All(result, v => Assert.Equal(42f, v));
    }
}
