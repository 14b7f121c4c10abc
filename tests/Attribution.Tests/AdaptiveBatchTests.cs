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

/// <summary>The report says which quantity the deltas are: the completeness gap, or only the rule's error.</summary>
public class DeltaMeaningTests
{
    [Fact]
    public void TheReportSaysWhetherTheDeltaIsTheCompletenessGap()
    {
        var model = new Residual();
        model.ResetParameters(4);
        var engine = new Attributor<double>(model);
        var x = BruteForce.RandomVector(2 * Residual.InputSize, 8);
        var deltas = new double[2];
        var options = new IntegrationOptions { Steps = 32 };
        var ig = new double[x.Length];
        var igReport = engine.IntegratedGradients(x, 1, Baseline<double>.Zero, ig, options, deltas);
        Assert.True(igReport.DeltaIsCompletenessGap);

        // Layer 't' is bypassed by the residual connection: its conductance need not sum to F(x) − F(0).
        int bypassed = Residual.LayerIndex.t;
        Assert.False(model.Layers[bypassed].IsCut);
        var conductance = new double[2 * model.Layers[bypassed].Size];
        var gaps = new double[2];
        var report = engine.LayerConductance(bypassed, x, 1, Baseline<double>.Zero, conductance, options, deltas, gaps);
        Assert.False(report.DeltaIsCompletenessGap);
        Assert.Equal(Completeness.NotExpected, report.Completeness);
        Assert.Contains("skip connection", report.CompletenessWarning);

        var scores = new double[2];
        var zero = new double[1];
        engine.TargetScores(x, 1, scores);
        engine.TargetScores(new double[Residual.InputSize], 1, zero);
        for (int b = 0; b < 2; b++)
        {
            double gap = conductance.AsSpan(b * model.Layers[bypassed].Size, model.Layers[bypassed].Size).ToArray().Sum() - (scores[b] - zero[0]);
            // The delta is small (the rule's error) while the completeness gap is not.
            Assert.True(Math.Abs(deltas[b]) < 1e-6 * Math.Max(1, Math.Abs(scores[b] - zero[0])), $"delta {deltas[b]}");
            Assert.True(Math.Abs(gap) > 1e-3, $"gap {gap}");
            Assert.Equal(gap, gaps[b], 10);                                   // reported under its own name
        }

        double worstGap = Enumerable.Range(0, 2).Max(b => Math.Abs(gaps[b]) / Math.Abs(scores[b] - zero[0]));
        Assert.Equal(worstGap, report.MaxRelativeCompletenessGap, 10);
        Assert.True(report.MaxRelativeQuadratureError < 1e-6);
        Assert.Null(igReport.CompletenessWarning);
        Assert.Equal(igReport.MaxRelativeQuadratureError, igReport.MaxRelativeCompletenessGap, 8);
    }
}
