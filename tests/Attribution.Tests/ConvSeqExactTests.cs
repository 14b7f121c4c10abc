using Axon.Attribution.Tests.Generated;
using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>
/// The exact rule through padded, overlapping max pooling: a breakpoint missed because a window was placed wrongly
/// would leave a segment integrated with the wrong gradient and break completeness, which holds to rounding otherwise.
/// </summary>
public class ConvSeqExactTests
{
    [Fact]
    public void CompletenessHoldsToRoundingThroughPaddedMaxPooling()
    {
        var model = new ExPaddedMaxPool();
        var random = new Random(5);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = (random.NextDouble() * 2 - 1) * 0.6;
        var engine = new Attributor<double>(model);
        int n = ExPaddedMaxPool.InputSize, count = 4;
        var x = BruteForce.RandomVector(count * n, 6, 2);
        var baseline = BruteForce.RandomVector(n, 16, 0.5);
        var ig = new double[x.Length];
        var report = engine.IntegratedGradients(x, 1, Baseline<double>.Shared(baseline), ig, new IntegrationOptions { Rule = IntegrationRule.Exact }, new double[count]);
        Assert.True(report.Steps > 1, $"only {report.Steps} segment(s)");
        Assert.Equal(Completeness.Holds, report.Completeness);
        Assert.True(report.MaxRelativeCompletenessGap < 1e-12, $"completeness gap {report.MaxRelativeCompletenessGap:E2}");
    }
}
