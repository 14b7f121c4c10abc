using System.Globalization;
using System.Xml.Linq;
using Axon.Samples.Reporting.Rendering;

namespace Axon.Samples.Reporting.Tests;

/// <summary>What a reader needs to relate the numbers and maps to each other: units, selections, notes, overlays, percentages.</summary>
public class ReadabilityTests
{
    // A 6×6 input: a 4×4 object (grey 0.8) on black, so its outline is the object's edge ring and its inside is 2×2.
    private static readonly float[] Object6 =
    [
        0, 0, 0, 0, 0, 0,
        0, 0.8f, 0.8f, 0.8f, 0.8f, 0,
        0, 0.8f, 0.8f, 0.8f, 0.8f, 0,
        0, 0.8f, 0.8f, 0.8f, 0.8f, 0,
        0, 0.8f, 0.8f, 0.8f, 0.8f, 0,
        0, 0, 0, 0, 0, 0,
    ];

    // 3×3 patches of 2×2 pixels.
    private static readonly float[] Patches3 = [0.5f, -1f, 0.25f, 0.1f, 0.75f, -0.5f, 0f, 0.3f, -0.2f];

    private static XDocument Render(ReportCase reportCase) => Xhtml.Parse(new HtmlReport("r").AddCase(reportCase).ToHtml());

    [Fact]
    public void PatchMaps_AreDrawnOverTheFadedInput_WithItsOutline()
    {
        XDocument doc = Render(new ReportCase
        {
            Title = "c",
            Image = new Heatmap(6, 6, Object6),
            PatchMaps = [new PatchMap("f0", new Heatmap(3, 3, Patches3))],
        });

        XElement figure = doc.Find("figure", "patch").Single();
        Assert.True(figure.HasClass("overlay"));
        XElement img = figure.Find("img").Single();
        Assert.Equal((3.0, 3.0), (img.Number("data-rows"), img.Number("data-columns")));
        PngImage png = PngImage.Decode(Xhtml.PngOf(img));
        Assert.Equal((6, 6), (png.Width, png.Height));

        const double scale = 1.0; // the largest |value| of the patch maps
        Rgb Cell(int row, int column) => ColorMaps.Diverging(Patches3[row * 3 + column], scale);
        (int, int, int) Of(Rgb c) => (c.R, c.G, c.B);
        var outline = Of(MapImages.OutlineColor);

        // Background pixels: the colour of their patch, not darkened (the input is black there).
        Assert.Equal(Of(Cell(0, 0)), png[0, 0]);
        Assert.Equal(Of(Cell(2, 2)), png[5, 5]);
        Assert.Equal(Of(Cell(0, 2)), png[5, 0]);
        // The object's edge is outlined; its inside shows its patch's colour darkened by the faded input.
        foreach (var (x, y) in new[] { (1, 1), (4, 1), (1, 4), (4, 4), (2, 1), (1, 3) })
            Assert.Equal(outline, png[x, y]);
        Assert.Equal(Of(ColorMaps.Multiply(Cell(1, 1), 1 - MapImages.OverlayFade * 0.8)), png[2, 2]);
        Assert.Equal(Of(ColorMaps.Multiply(Cell(1, 1), 1 - MapImages.OverlayFade * 0.8)), png[3, 3]);
        Assert.Contains("3×3 patches drawn over the faded 6×6 input", doc.Find("p", "patch-overlay-note").Single().Value);
    }

    [Fact]
    public void PatchMaps_StayBare_WithoutAnImageOrWhenAskedTo()
    {
        var map = new PatchMap("f0", new Heatmap(3, 3, Patches3));
        foreach (var reportCase in new[]
        {
            new ReportCase { Title = "no image", PatchMaps = [map] },
            new ReportCase { Title = "not overlaid", Image = new Heatmap(6, 6, Object6), PatchMaps = [map], OverlayPatchesOnImage = false },
        })
        {
            XDocument doc = Render(reportCase);
            XElement figure = doc.Find("figure", "patch").Single();
            Assert.False(figure.HasClass("overlay"));
            PngImage png = PngImage.Decode(Xhtml.PngOf(figure.Find("img").Single()));
            Assert.Equal((3, 3), (png.Width, png.Height));
            Assert.Empty(doc.Find("p", "patch-overlay-note"));
        }
    }

    [Fact]
    public void ColourBars_SayTheUnitOfTheAttributions()
    {
        const string unit = "Δ logit of the predicted class";
        var withUnit = new ReportCase
        {
            Title = "c",
            Image = new Heatmap(6, 6, Object6),
            IgMap = new Heatmap(6, 6, Object6),
            PatchMaps = [new PatchMap("f0", new Heatmap(3, 3, Patches3))],
            AttributionUnit = unit,
        };
        XDocument doc = Render(withUnit);
        XElement igLegend = doc.Find("figure", "ig").Single().Find("div", "legend").Single();
        Assert.Equal("Units: " + unit, igLegend.Find("div", "title").Single().Value);
        Assert.Equal(unit, (string?)igLegend.Attribute("data-unit"));
        XElement patchLegend = doc.Find("section", "patches").Single().Find("div", "legend").Single();
        Assert.Equal("shared scale · units: " + unit, patchLegend.Find("div", "title").Single().Value);
        Assert.Equal(unit, (string?)patchLegend.Attribute("data-unit"));
        // The input's grey bar is not an attribution and gets no unit.
        Assert.Null(doc.Find("figure", "input").Single().Find("div", "legend").Single().Attribute("data-unit"));

        XDocument without = Render(new ReportCase { Title = "c", IgMap = withUnit.IgMap, PatchMaps = withUnit.PatchMaps });
        Assert.Empty(without.Find("figure", "ig").Single().Find("div", "title"));
        Assert.Equal("shared scale", without.Find("section", "patches").Single().Find("div", "title").Single().Value);
    }

    [Fact]
    public void Notes_AreShownInTheCard_InOrder()
    {
        XDocument doc = Render(new ReportCase { Title = "c", Facts = [("Steps", 64)], Notes = ["First <why>.", "Second."] });
        XElement card = doc.Find("article", "case").Single();
        Assert.Equal(["First <why>.", "Second."], card.Find("p", "note").Select(p => p.Value));
        Assert.Empty(Render(new ReportCase { Title = "c" }).Find("p", "note"));
        var error = Assert.Throws<ArgumentException>(() => new HtmlReport("r").AddCase(new ReportCase { Title = "c", Notes = ["ok", null!] }));
        Assert.Contains("Case 'c': note 1 is null", error.Message);
    }

    [Fact]
    public void BarChart_SaysWhichFiltersItShows()
    {
        string[] labels = ["f3", "f11", "f7"];
        double[] first = [0.8, 0.6, 0.4], second = [0.9, 0.5, 0.3];
        string Selection(FilterBarChart chart) =>
            Render(new ReportCase { Title = "c", FilterBars = chart }).Find("section", "bars").Single().Find("p", "selection").Single().Value;

        Assert.Equal("top 3 of 16 filters by conductance", Selection(new FilterBarChart(labels, first, second) { TotalFilters = 16 }));
        Assert.Equal("top 3 of 5 filters by score", Selection(new FilterBarChart(labels, first, second, "Score", "Drop") { TotalFilters = 5 }));
        Assert.Equal("all 3 filters", Selection(new FilterBarChart(labels, first, second)));
        Assert.Equal("all 3 filters", Selection(new FilterBarChart(labels, first, second) { TotalFilters = 3 }));
        Assert.Equal(3, new FilterBarChart(labels, first, second).TotalFilters);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FilterBarChart(labels, first, second) { TotalFilters = 2 });
    }

    [Theory]
    [InlineData(0.92, 2, "92.00%")]
    [InlineData(0.9175, 2, "91.75%")]
    [InlineData(1.0, 2, "100.00%")]
    [InlineData(0.971, 1, "97.1%")]
    [InlineData(-1e-7, 2, "0.00%")]
    [InlineData(0.5, 0, "50%")]
    public void Percent_IsOneInvariantFormat(double fraction, int decimals, string expected)
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            foreach (CultureInfo culture in new[] { CultureInfo.InvariantCulture, CommaCulture() })
            {
                CultureInfo.CurrentCulture = culture;
                Assert.Equal(expected, NumberText.Percent(fraction, decimals));
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    /// <summary>A culture that writes "92,00 %" (the machine may run without ICU, so it is built by hand).</summary>
    internal static CultureInfo CommaCulture()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.PercentDecimalSeparator = ",";
        culture.NumberFormat.NumberGroupSeparator = ".";
        culture.NumberFormat.PercentPositivePattern = 0;
        return culture;
    }

    [Fact]
    public void PercentCells_ShowThePercentage_AndKeepTheFraction()
    {
        TableCell cell = TableCell.Percent(0.92);
        Assert.Equal(("92.00%", true, 0.92), (cell.Text, cell.IsNumber, cell.Value));
        XDocument doc = Xhtml.Parse(new HtmlReport("r").AddTable(new ReportTable("t", ["Accuracy"], [[cell]])).ToHtml());
        XElement td = doc.Find("td", "num").Single();
        Assert.Equal("92.00%", td.Value);
        Assert.Equal(0.92, td.Number("data-value"));
    }
}
