using System.Xml.Linq;
using Axon.Samples.Reporting.Rendering;

namespace Axon.Samples.Reporting.Tests;

/// <summary>The top filters' conductance maps: drawn at the input's resolution over the faded input, on one shared scale.</summary>
public class FilterMapTests
{
    [Fact]
    public void FilterMaps_AreDrawnAtTheirPixelsOverTheInput_OnASharedScale()
    {
        var image = new float[16];
        image[5] = 1; // one bright pixel at row 1, column 1
        var first = new float[16];
        first[6] = 2f;    // row 1, column 2
        var second = new float[16];
        second[9] = -1f;  // row 2, column 1
        XDocument doc = Xhtml.Parse(new HtmlReport("r").AddCase(new ReportCase
        {
            Title = "c",
            Image = new Heatmap(4, 4, image),
            FilterMaps = [new PatchMap("relu2 filter 3", new Heatmap(4, 4, first)), new PatchMap("relu2 filter 7", new Heatmap(4, 4, second))],
        }).ToHtml());

        var figures = doc.Find("figure", "filter-map").ToArray();
        Assert.Equal(2, figures.Length);
        Assert.All(figures, f => Assert.True(f.HasClass("overlay")));
        Assert.Equal(["relu2 filter 3", "relu2 filter 7"], figures.Select(f => f.Find("figcaption").Single().Value));

        // Each value at its own pixel, coloured on the shared scale (the largest |value| of both maps, 2).
        (int, int, int) Of(Rgb c) => (c.R, c.G, c.B);
        PngImage one = PngImage.Decode(Xhtml.PngOf(figures[0].Find("img").Single()));
        PngImage two = PngImage.Decode(Xhtml.PngOf(figures[1].Find("img").Single()));
        Assert.Equal((4, 4), (one.Width, one.Height));
        Assert.Equal(Of(ColorMaps.Diverging(2, 2)), one[2, 1]);
        Assert.Equal(Of(ColorMaps.Diverging(-1, 2)), two[1, 2]);
        Assert.Equal(Of(ColorMaps.Diverging(0, 2)), one[0, 0]);
        Assert.Equal(Of(ColorMaps.Multiply(ColorMaps.Diverging(0, 2), 1 - MapImages.OverlayFade)), one[1, 1]); // the faded bright pixel
        Assert.Contains("receptive field", doc.Find("p", "filter-maps-note").Single().Value);
    }
}
