using System.Xml.Linq;
using Axon.Samples.Reporting.Rendering;

namespace Axon.Samples.Reporting.Tests;

public class ColorTests
{
    private static readonly (int R, int G, int B) White = (255, 255, 255);
    private static readonly (int R, int G, int B) RedEnd = (0xca, 0x00, 0x20);
    private static readonly (int R, int G, int B) BlueEnd = (0x05, 0x71, 0xb0);

    private static (int R, int G, int B) Of(Rgb c) => (c.R, c.G, c.B);

    [Fact]
    public void Diverging_IsWhiteAtZero_RedAtPlusMax_BlueAtMinusMax()
    {
        Assert.Equal(White, Of(ColorMaps.Diverging(0, 3.5)));
        Assert.Equal(RedEnd, Of(ColorMaps.Diverging(3.5, 3.5)));
        Assert.Equal(BlueEnd, Of(ColorMaps.Diverging(-3.5, 3.5)));

        // Beyond the scale saturates; a zero scale (an all-zero map) is all white.
        Assert.Equal(RedEnd, Of(ColorMaps.Diverging(10, 3.5)));
        Assert.Equal(BlueEnd, Of(ColorMaps.Diverging(-10, 3.5)));
        Assert.Equal(White, Of(ColorMaps.Diverging(0, 0)));
    }

    [Fact]
    public void Diverging_GrowsMoreSaturatedWithMagnitude_OnEachSide()
    {
        (int R, int G, int B) previousRed = White, previousBlue = White;
        for (int i = 1; i <= 50; i++)
        {
            var red = Of(ColorMaps.Diverging(i / 50.0, 1));
            var blue = Of(ColorMaps.Diverging(-i / 50.0, 1));
            Assert.True(red.R >= red.G && red.R >= red.B, $"{red} should read red");
            Assert.True(blue.B >= blue.R && blue.B >= blue.G, $"{blue} should read blue");
            // Darker (less light) as the magnitude grows.
            Assert.True(red.R + red.G + red.B < previousRed.R + previousRed.G + previousRed.B);
            Assert.True(blue.R + blue.G + blue.B < previousBlue.R + previousBlue.G + previousBlue.B);
            previousRed = red;
            previousBlue = blue;
        }
    }

    [Fact]
    public void RenderedMap_UsesTheScaleEnds_IndependentlyOfTheColourCode()
    {
        // Read the colours back from the PNG the report embeds: −max, 0, +max and +max/2.
        var report = new HtmlReport("colours");
        report.AddCase(new ReportCase { Title = "c", IgMap = new Heatmap(1, 4, [-2f, 0f, 2f, 1f]) });
        XDocument doc = Xhtml.Parse(report.ToHtml());
        PngImage png = PngImage.Decode(Xhtml.PngOf(doc.Find("img").Single()));

        Assert.Equal(BlueEnd, png[0, 0]);
        Assert.Equal(White, png[1, 0]);
        Assert.Equal(RedEnd, png[2, 0]);
        Assert.Equal((0xf4, 0xa5, 0x82), png[3, 0]); // the light-red middle stop
    }

    [Fact]
    public void InputImage_IsBlackAtZeroAndWhiteAtOne()
    {
        var report = new HtmlReport("grey");
        report.AddCase(new ReportCase { Title = "c", Image = new Heatmap(1, 3, [0f, 0.5f, 1f]) });
        PngImage png = PngImage.Decode(Xhtml.PngOf(Xhtml.Parse(report.ToHtml()).Find("img").Single()));

        Assert.Equal((0, 0, 0), png[0, 0]);
        Assert.Equal((128, 128, 128), png[1, 0]);
        Assert.Equal(White, png[2, 0]);
    }

    [Fact]
    public void LegendGradient_HasTheSameStopsAsTheMaps()
    {
        string css = ColorMaps.DivergingGradientCss();
        Assert.Equal("linear-gradient(to right, #0571b0 0%, #92c5de 25%, #ffffff 50%, #f4a582 75%, #ca0020 100%)", css);
        Assert.Contains(".legend .ramp.diverging { background: " + css + "; }", new HtmlReport("x").ToHtml());
    }
}
