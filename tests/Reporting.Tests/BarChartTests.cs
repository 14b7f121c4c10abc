using System.Xml.Linq;
using Axon.Samples.Reporting.Rendering;

namespace Axon.Samples.Reporting.Tests;

public class BarChartTests
{
    private static XElement Render(FilterBarChart chart)
    {
        var report = new HtmlReport("bars");
        report.AddCase(new ReportCase { Title = "c", FilterBars = chart });
        return Xhtml.Parse(report.ToHtml()).Find("svg", "bar-chart").Single();
    }

    private static (double Y, double Height, double Value, string Series)[] Bars(XElement svg) =>
        svg.Find("rect", "bar")
            .Select(r => (r.Number("y"), r.Number("height"), r.Number("data-value"), r.HasClass("s1") ? "s1" : "s2"))
            .ToArray();

    private static double ZeroLine(XElement svg)
    {
        XElement zero = svg.Find("line", "zero").Single();
        Assert.Equal(zero.Number("y1"), zero.Number("y2"));
        return zero.Number("y1");
    }

    [Fact]
    public void BarHeights_AreProportionalToTheValues_AndHangFromTheZeroLine()
    {
        double[] conductance = [0.82, 0.61, 0.47, -0.21, 0.33, 0.0];
        double[] drop = [0.95, 0.44, 0.52, -0.35, 0.20, 0.05];
        XElement svg = Render(new FilterBarChart(["f0", "f1", "f2", "f3", "f4", "f5"], conductance, drop));
        var bars = Bars(svg);
        double zero = ZeroLine(svg);

        Assert.Equal(12, bars.Length);
        // Paired: conductance then ablation drop, filter by filter.
        Assert.Equal(conductance.Zip(drop).SelectMany(p => new[] { p.First, p.Second }), bars.Select(b => b.Value));
        Assert.Equal(Enumerable.Repeat(new[] { "s1", "s2" }, 6).SelectMany(s => s), bars.Select(b => b.Series));

        double pixelsPerUnit = bars[0].Height / 0.82;
        Assert.True(pixelsPerUnit > 50, $"the bars should use the plot height, got {pixelsPerUnit} px per unit");
        foreach (var bar in bars)
        {
            Assert.Equal(Math.Abs(bar.Value) * pixelsPerUnit, bar.Height, 0.02);
            if (bar.Value >= 0)
                Assert.Equal(zero, bar.Y + bar.Height, 0.02); // positive bars stand on the zero line
            else
                Assert.Equal(zero, bar.Y, 0.02);               // negative bars hang from it
        }

        // The axis covers every value, and the pairs sit left to right in filter order.
        double axisMin = svg.Number("data-axis-min"), axisMax = svg.Number("data-axis-max");
        Assert.True(axisMin <= -0.35 && axisMax >= 0.95);
        double[] xs = svg.Find("rect", "bar").Select(r => r.Number("x")).ToArray();
        Assert.Equal(xs.Order(), xs);
    }

    [Fact]
    public void Axis_HasRoundTicksIncludingZero_AndAlegendAndLabels()
    {
        XElement svg = Render(new FilterBarChart(["conv1 filter 3", "conv1 filter 9"], [0.3, -0.1], [0.25, 0.05], valueAxisTitle: "Δ logit"));

        string[] ticks = svg.Find("text", "tick").Select(t => t.Value).ToArray();
        Assert.Contains("0", ticks);
        Assert.Equal(["-0.1", "0", "0.1", "0.2", "0.3"], ticks);
        Assert.Equal(["Conductance", "Ablation drop"], svg.Find("text", "legend-text").Select(t => t.Value));
        Assert.Equal(2, svg.Find("rect", "swatch").Count());
        Assert.Equal(["conv1 filter 3", "conv1 filter 9"], svg.Find("text", "label").Select(t => t.VisibleText()));
        Assert.Equal("Δ logit", svg.Find("text", "axis-title").Single().Value);
        Assert.Equal("conv1 filter 3 — Conductance: 0.3", svg.Find("rect", "bar").First().Find("title").Single().Value);
    }

    [Fact]
    public void CrowdedLabels_AreWrappedOrSlanted_ButKeptWhole()
    {
        string[] labels = Enumerable.Range(0, 8).Select(i => $"conv1 filter {i}").ToArray();
        XElement wrapped = Render(new FilterBarChart(labels, new double[8], new double[8]));
        XElement first = wrapped.Find("text", "label").First();
        Assert.Equal(["conv1", "filter 0"], first.Find("tspan").Select(t => t.Value));

        string[] longLabels = Enumerable.Range(0, 12).Select(i => $"layer4.residual_block_{i}.conv_b channel {i}").ToArray();
        XElement slanted = Render(new FilterBarChart(longLabels, new double[12], new double[12]));
        XElement[] texts = slanted.Find("text", "label").ToArray();
        Assert.All(texts, t => Assert.StartsWith("rotate(-35", (string)t.Attribute("transform")!));
        Assert.Equal(longLabels, texts.Select(t => t.Find("title").Single().Value));
    }

    [Fact]
    public void AllZeroValues_DrawFlatBarsOnAnEmptyAxis()
    {
        XElement svg = Render(new FilterBarChart(["a", "b"], [0.0, 0.0], [0.0, 0.0]));
        Assert.All(Bars(svg), b => Assert.Equal(0, b.Height));
        Assert.Equal(0, svg.Number("data-axis-min"));
        Assert.Equal(1, svg.Number("data-axis-max"));
    }

    [Fact]
    public void FloatOverload_KeepsTheValues()
    {
        var chart = new FilterBarChart(["a"], [0.5f], [-0.25f], "Score", "Drop");
        Assert.Equal([0.5], chart.Conductance.ToArray());
        Assert.Equal([-0.25], chart.AblationDrop.ToArray());
        Assert.Equal(["Score", "Drop"], Render(chart).Find("text", "legend-text").Select(t => t.Value));
    }

    [Theory]
    [InlineData(0.2, 0.2)]
    [InlineData(0.21, 0.25)]
    [InlineData(0.3, 0.5)]
    [InlineData(7, 10)]
    [InlineData(1.5e-5, 2e-5)]
    public void NiceStep_RoundsUpToOneTwoTwoAndAHalfOrFive(double rough, double expected) =>
        Assert.Equal(expected, BarChartSvg.NiceStep(rough), 12);
}
