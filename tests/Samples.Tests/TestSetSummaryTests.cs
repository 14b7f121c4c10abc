using System.Globalization;
using Axon.Samples.Fashion;
using Axon.Samples.Reporting;

namespace Axon.Samples.Tests;

/// <summary>The test-set run's totals read the same on the console and in the report, with the n that ran.</summary>
public sealed class TestSetSummaryTests
{
    private static TestSetSummary Summary(double tolerance = 0.01, int maxSteps = 200, double igDelta = 0.0615, bool cut = true) =>
        new(Images: 50, Correct: 46, MeanIgDelta: igDelta, MeanConductanceDelta: igDelta, Pearson: 0.9634, Seconds: 5.25,
            Steps: 50, MaxStepsReached: maxSteps, Tolerance: tolerance, LayerName: "relu2", ConductanceDeltaIsCompletenessGap: cut);

    /// <summary>A culture that writes "92,00 %" and "6,15E-002" (built by hand: the machine may run without ICU).</summary>
    private static CultureInfo CommaCulture()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.PercentDecimalSeparator = ",";
        culture.NumberFormat.NumberGroupSeparator = ".";
        return culture;
    }

    private static T UnderCommaCulture<T>(Func<T> run)
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CommaCulture();
            return run();
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Accuracy_is_the_same_percentage_on_the_console_and_in_the_report()
    {
        foreach (var (line, table) in new[] { (Summary().ConsoleLine(), Summary().Table()), UnderCommaCulture(() => (Summary().ConsoleLine(), Summary().Table())) })
        {
            TableCell accuracy = table.Rows.Single()[table.Headers.ToList().IndexOf("Accuracy")];
            Assert.Equal("92.00%", accuracy.Text);
            Assert.Equal(0.92, accuracy.Value, 12);
            Assert.Contains("accuracy 92.00%,", line);
        }
    }

    [Theory]
    [InlineData(0.0615, "0.0615")]
    [InlineData(6.15e-5, "6.15e-5")]
    public void Small_numbers_on_the_console_are_readable_and_invariant(double delta, string expected)
    {
        foreach (string line in new[] { Summary(igDelta: delta).ConsoleLine(), UnderCommaCulture(() => Summary(igDelta: delta).ConsoleLine()) })
        {
            Assert.Contains($"mean |IG quadrature error| {expected},", line);
            Assert.Contains($"mean |conductance quadrature error| {expected},", line);
            Assert.DoesNotContain("E-0", line);
            Assert.DoesNotContain("E+0", line);
            Assert.Contains("50 images in 5.2 s (105.0 ms each)", line);
            Assert.Contains("Pearson(filter conductance, ablation drop) 0.9634", line);
        }
    }

    [Fact]
    public void An_adaptive_run_is_labelled_with_where_n_started_and_how_far_it_went()
    {
        TestSetSummary adaptive = Summary(tolerance: 0.01, maxSteps: 200);
        string title = adaptive.Table().Title;
        Assert.Equal("Test-set run (50 images, Gauss–Legendre n adaptive from 50, up to 200 reached (tolerance 1% of |F(x) − F(baseline)|))", title);
        Assert.DoesNotContain("n = 50", title);
        Assert.Contains(adaptive.StepsText, adaptive.ConsoleLine());

        TestSetSummary fixedSteps = Summary(tolerance: 0, maxSteps: 50);
        Assert.Equal("Test-set run (50 images, Gauss–Legendre n = 50)", fixedSteps.Table().Title);
        Assert.EndsWith("Gauss–Legendre n = 50", fixedSteps.ConsoleLine());
    }

    [Fact]
    public void The_caption_says_what_the_conductance_delta_is()
    {
        Assert.Contains("equal by construction, since 'relu2' is a cut", Summary(cut: true).Table().Caption);
        Assert.Contains("the conductance delta is only the quadrature rule's error", Summary(cut: false).Table().Caption);
    }
}
