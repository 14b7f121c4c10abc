using Axon.Attribution.Tests.Generated;

namespace Axon.Attribution.Tests;

/// <summary>
/// The adaptive mode raises the steps only for the inputs whose delta is still above the tolerance, so one call over
/// a batch gives each input exactly what a call of its own gives, and easy inputs cost only the first pass.
/// </summary>
public class AdaptiveBatchTests
{
    [Fact]
    public void ABatchedAdaptiveCallEqualsOneCallPerInputAndReRunsOnlyTheHardInputs()
    {
        var model = new ReluCnn();
        var random = new Random(3);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (random.NextDouble() * 2 - 1) * 0.6;
        int n = ReluCnn.InputSize, count = 4;
        var x = BruteForce.RandomVector(count * n, 9);
        // Input 2 is the baseline itself: its path has length zero, so its delta is 0 after the first pass.
        Array.Clear(x, 2 * n, n);
        var engine = new Attributor<double>(model, stepBatch: 13);
        var options = new IntegrationOptions { Rule = IntegrationRule.RiemannMiddle, Steps = 4, Tolerance = 1e-3, MaxSteps = 512 };

        var batched = new double[count * n];
        var batchedDeltas = new double[count];
        var report = engine.IntegratedGradients(x, 1, Baseline<double>.Zero, batched, options, batchedDeltas);

        long single = 0;
        int largestSteps = 0;
        for (int b = 0; b < count; b++)
        {
            var alone = new double[n];
            var delta = new double[1];
            var own = engine.IntegratedGradients(x.AsSpan(b * n, n), 1, Baseline<double>.Zero, alone, options, delta);
            single += own.Evaluations;
            largestSteps = Math.Max(largestSteps, own.Steps);
            Assert.Equal(delta[0], batchedDeltas[b], 12);
            for (int i = 0; i < n; i++) Assert.Equal(alone[i], batched[b * n + i], 12);
        }

        Assert.True(report.Converged);
        Assert.Equal(largestSteps, report.Steps);
        Assert.True(largestSteps > options.Steps, "some input must need more than the first steps");
        // Re-running only the hard inputs costs what the separate calls cost, not count × every pass.
        Assert.Equal(single, report.Evaluations);
    }
}
