using System.Globalization;
using Axon.Samples.Fashion;

namespace Axon.Samples.Tests;

/// <summary>
/// The test-set run states its attribution time apart from the ablations' (and from the rest), and says that IG and
/// conductance are one path pass rather than splitting a time it did not measure apart.
/// </summary>
public sealed class TestSetTimesTests
{
    [Fact]
    public void The_console_line_states_attribution_and_ablation_time_apart()
    {
        var times = new TestSetTimes(AttributionSeconds: 3.75, AblationSeconds: 4, TotalSeconds: 8.5);
        Assert.Equal(0.75, times.OtherSeconds, 12);
        var summary = new TestSetSummary(Images: 50, Correct: 46, MeanIgDelta: 0.06, MeanConductanceDelta: 0.06, Pearson: 0.9, Seconds: 8.5,
            Steps: 50, MaxStepsReached: 50, Tolerance: 0, LayerName: "relu2", ConductanceDeltaIsCompletenessGap: true, Times: times);
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        }
        catch (CultureNotFoundException)
        {
            // Invariant-globalization machines have no de-DE; the line is invariant either way.
        }

        try
        {
            Assert.EndsWith("; time: attribution 3.75 s (IG and conductance in one path pass), ablations 4.00 s, other 0.75 s", summary.ConsoleLine());
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }

        Assert.DoesNotContain("time:", (summary with { Times = null }).ConsoleLine());
    }
}
