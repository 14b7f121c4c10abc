using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace Axon.Samples.Reporting.Tests;

public class StructureTests
{
    [Fact]
    public void SampleReport_IsWellFormedXhtmlWithOneHtmlHeadAndBody()
    {
        string html = SampleReports.TwoCases().ToHtml();

        Assert.StartsWith("<!DOCTYPE html>", html);
        XDocument doc = Xhtml.Parse(html);
        Assert.Equal("html", doc.Root!.Name.LocalName);
        Assert.Equal("en", (string?)doc.Root.Attribute("lang"));
        Assert.Single(doc.Find("head"));
        Assert.Single(doc.Find("body"));
        Assert.Equal("utf-8", (string?)doc.Find("meta").First().Attribute("charset"));
        Assert.Single(doc.Find("style"));
    }

    [Fact]
    public void SampleReport_IsSelfContained()
    {
        string html = SampleReports.TwoCases().ToHtml();
        XDocument doc = Xhtml.Parse(html);

        Assert.Empty(doc.Find("script"));
        Assert.Empty(doc.Find("link"));
        foreach (XElement element in doc.Descendants())
        {
            foreach (string attribute in new[] { "src", "href" })
            {
                if (element.Attribute(attribute) is { } value)
                    Assert.StartsWith("data:", value.Value);
            }
        }

        // The only URL is the SVG namespace name, which is never fetched.
        string withoutSvgNamespace = html.Replace("xmlns=\"http://www.w3.org/2000/svg\"", "", StringComparison.Ordinal);
        Assert.DoesNotContain("http:", withoutSvgNamespace);
        Assert.DoesNotContain("https:", withoutSvgNamespace);
        Assert.DoesNotContain("url(", html);
    }

    [Fact]
    public void Titles_AreEscaped_AndReadBackExactly()
    {
        const string reportTitle = "Axon <b>report</b> & \"friends\" 'quoted'";
        const string caseTitle = "Test image #17 — true: Sneaker, predicted: Sneaker (97.1%) <script>alert(1)</script>";
        var report = new HtmlReport(reportTitle);
        report.AddCase(new ReportCase { Title = caseTitle });
        string html = report.ToHtml();

        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("<b>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        XDocument doc = Xhtml.Parse(html);
        Assert.Equal(reportTitle, doc.Find("title").Single().Value);
        Assert.Equal(reportTitle, doc.Find("h1").Single().Value);
        Assert.Equal(caseTitle, doc.Find("article", "case").Single().Find("h2").Single().Value);
    }

    [Fact]
    public void ControlCharactersAndLoneSurrogates_DoNotBreakTheMarkup()
    {
        var report = new HtmlReport("bell\u0007 and a lone \ud800 surrogate");
        report.AddParagraph("tab\tnew line\nnull\0 emoji 😀");
        XDocument doc = Xhtml.Parse(report.ToHtml());

        Assert.Equal("bell\uFFFD and a lone \uFFFD surrogate", doc.Find("h1").Single().Value);
        Assert.Equal("tab\tnew line\nnull\uFFFD emoji 😀", doc.Find("p", "text").Single().Value);
    }

    [Fact]
    public void EmptyReport_IsValidAndSaysSo()
    {
        string html = new HtmlReport("Nothing yet").ToHtml();
        XDocument doc = Xhtml.Parse(html);

        Assert.Equal("Nothing yet", doc.Find("h1").Single().Value);
        Assert.Equal("This report is empty.", doc.Find("p", "empty").Single().Value);
        Assert.Empty(doc.Find("img"));
        Assert.Empty(doc.Find("svg"));
        Assert.Empty(doc.Find("table"));
        Assert.Equal("nothing to show yet", doc.Find("div", "meta").Single().Value);
    }

    [Fact]
    public void TheHeaderSaysWhatTheReportHoldsNotInternalCounts()
    {
        XDocument doc = Xhtml.Parse(SampleReports.TwoCases().ToHtml());
        string meta = doc.Find("div", "meta").Single().Value;
        Assert.Equal("2 images explained · 2 results tables", meta);
        XDocument imagesOnly = Xhtml.Parse(new HtmlReport("Images").AddCase(SampleReports.Case(17, "Shirt", "Shirt", 0.871, SampleReports.Shirt)).ToHtml());
        Assert.Equal("1 image explained", imagesOnly.Find("div", "meta").Single().Value);
    }

    [Fact]
    public void OneImagePerMap_WithTheMapsSize()
    {
        var report = SampleReports.TwoCases();
        XDocument doc = Xhtml.Parse(report.ToHtml());

        XElement[] cases = doc.Find("article", "case").ToArray();
        Assert.Equal(2, cases.Length);
        foreach (XElement card in cases)
        {
            XElement[] images = card.Find("img").ToArray();
            Assert.Equal(2 + 6, images.Length); // input + IG + six patch maps
            Assert.All(images, img => Assert.True(img.HasClass("heatmap")));
            Assert.Single(card.Find("svg", "bar-chart"));

            XElement input = card.Find("figure", "input").Single().Find("img").Single();
            XElement ig = card.Find("figure", "ig").Single().Find("img").Single();
            foreach (XElement img in new[] { input, ig })
            {
                PngImage png = PngImage.Decode(Xhtml.PngOf(img));
                Assert.Equal((28, 28), (png.Width, png.Height));
                Assert.Equal(28 * 6, img.Number("width")); // whole-number zoom: 168 / 28
                Assert.Equal(28 * 6, img.Number("height"));
            }

            // Patch maps are drawn over the input, at its resolution; the map's own grid is in data-rows/columns.
            XElement[] patches = card.Find("figure", "patch").ToArray();
            Assert.Equal(6, patches.Length);
            foreach (XElement patch in patches)
            {
                XElement img = patch.Find("img").Single();
                PngImage png = PngImage.Decode(Xhtml.PngOf(img));
                Assert.Equal((28, 28), (png.Width, png.Height));
                Assert.Equal((7.0, 7.0), (img.Number("data-rows"), img.Number("data-columns")));
                Assert.Equal(28 * 3, img.Number("width")); // whole-number zoom: 84 / 28
            }

            Assert.Equal(
                ["conv2 filter 3", "conv2 filter 11", "conv2 filter 7", "conv2 filter 0", "conv2 filter 14", "conv2 filter 5"],
                patches.Select(p => p.Find("figcaption").Single().Value));
        }
    }

    [Fact]
    public void Legends_ShowTheSymmetricScaleOfEachMap()
    {
        float[] ig = [0.5f, -2.25f, 1.0f, 0f];
        float[] patchA = [0.1f, -0.3f, 0.2f, 0f];
        float[] patchB = [0.7f, 0.2f, -0.1f, 0f];
        var report = new HtmlReport("legends");
        report.AddCase(new ReportCase
        {
            Title = "case",
            Image = new Heatmap(2, 2, [0f, 0.5f, 1f, 0.25f]),
            IgMap = new Heatmap(2, 2, ig),
            PatchMaps = [new PatchMap("a", new Heatmap(2, 2, patchA)), new PatchMap("b", new Heatmap(2, 2, patchB))],
        });
        XDocument doc = Xhtml.Parse(report.ToHtml());

        XElement inputLegend = doc.Find("figure", "input").Single().Find("div", "legend").Single();
        Assert.Equal((0.0, 1.0), (inputLegend.Number("data-min"), inputLegend.Number("data-max")));
        Assert.Equal("0", inputLegend.Find("span", "min").Single().Value);
        Assert.Equal("1", inputLegend.Find("span", "max").Single().Value);

        XElement igLegend = doc.Find("figure", "ig").Single().Find("div", "legend").Single();
        Assert.Equal((-2.25, 2.25), (igLegend.Number("data-min"), igLegend.Number("data-max")));
        Assert.Equal(["-2.25", "0", "+2.25"], igLegend.Find("span").Select(s => s.Value));

        // One legend for all the patch maps, on the largest magnitude among them.
        XElement patchLegend = doc.Find("section", "patches").Single().Find("div", "legend").Single();
        Assert.Equal((-0.7, 0.7), (Math.Round(patchLegend.Number("data-min"), 6), Math.Round(patchLegend.Number("data-max"), 6)));
        Assert.Equal("+0.7", patchLegend.Find("span", "max").Single().Value);
    }

    [Fact]
    public void InputOutsideTheUnitRange_IsStretchedAndTheLegendSaysSo()
    {
        var report = new HtmlReport("normalised input");
        report.AddCase(new ReportCase { Title = "c", Image = new Heatmap(1, 3, [-0.5f, 0.25f, 2f]) });
        XDocument doc = Xhtml.Parse(report.ToHtml());

        XElement legend = doc.Find("figure", "input").Single().Find("div", "legend").Single();
        Assert.Equal((-0.5, 2.0), (legend.Number("data-min"), legend.Number("data-max")));
        PngImage png = PngImage.Decode(Xhtml.PngOf(doc.Find("img").Single()));
        Assert.Equal((0, 0, 0), (png[0, 0].R, png[0, 0].G, png[0, 0].B));
        Assert.Equal((255, 255, 255), (png[2, 0].R, png[2, 0].G, png[2, 0].B));
        Assert.Equal(77, png[1, 0].R); // (0.25 + 0.5) / 2.5 · 255 = 76.5, rounded away from zero
    }

    [Fact]
    public void Tables_KeepHeadersAndCellsInOrder_WithInvariantNumbers()
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        comma.NumberFormat.NumberDecimalSeparator = ",";
        comma.NumberFormat.NumberGroupSeparator = ".";
        comma.NumberFormat.NegativeSign = "~";
        try
        {
            CultureInfo.CurrentCulture = comma;
            var report = SampleReports.TwoCases();
            report.AddTable(new ReportTable("Signs", ["Name", "Value"], [["neg", -0.125], ["big", 1234567], ["tiny", 3.2e-7]]));
            XDocument doc = Xhtml.Parse(report.ToHtml());

            XElement[] tables = doc.Find("table", "data").ToArray();
            Assert.Equal(3, tables.Length);
            Assert.Equal(
                ["Ablation agreement (Pearson r)", "Ablation error (Shrikumar et al.)", "Signs"],
                doc.Find("section", "table-card").Select(s => s.Find("h3").Single().Value));

            XElement agreement = tables[0];
            Assert.Equal(["Method", "n = 10", "n = 100"], agreement.Find("thead").Single().Find("th").Select(th => th.Value));
            Assert.Equal(
                ["Conductance", "0.9132", "0.9347", "Internal influence", "0.5511", "0.5498",
                 "Gradient × activation", "0.4127", "0.4127", "Activation", "0.2871", "0.2871"],
                agreement.Find("tbody").Single().Find("td").Select(td => td.Value));
            Assert.StartsWith("Correlation between", agreement.Find("caption").Single().Value);

            // Numeric columns are marked for right alignment; the text column is not.
            Assert.Equal(["text", "num", "num"], agreement.Find("th").Select(th => (string)th.Attribute("class")!));

            Assert.Equal(["neg", "-0.125", "big", "1234567", "tiny", "3.2e-7"], tables[2].Find("td").Select(td => td.Value));
            Assert.Equal(-0.125, tables[2].Find("td").ElementAt(1).Number("data-value"));

            // Facts of the cases, in order.
            XElement facts = doc.Find("table", "facts").First();
            Assert.Equal(
                ["Convergence delta", "Steps", "Rule", "F(x) − F(x′)", "Runtime"],
                facts.Find("th").Select(th => th.Value));
            Assert.Equal(["3.2e-4", "64", "Gauss–Legendre", "7.913", "18.4 ms"], facts.Find("td").Select(td => td.Value));

            Assert.DoesNotContain("~", report.ToHtml());
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Blocks_AppearInInsertionOrder_WithConsecutiveCasesAndTablesGrouped()
    {
        var report = new HtmlReport("order");
        report.AddParagraph("first")
            .AddHeading("tables")
            .AddTable(new ReportTable("t1", ["a"], [["x"]]))
            .AddTable(new ReportTable("t2", ["a"], []))
            .AddCase(new ReportCase { Title = "c1" })
            .AddCase(new ReportCase { Title = "c2" })
            .AddParagraph("between")
            .AddCase(new ReportCase { Title = "c3" });
        XDocument doc = Xhtml.Parse(report.ToHtml());

        XElement main = doc.Find("main").Single();
        Assert.Equal(
            ["p", "h2", "div.tables", "div.cases", "p", "div.cases"],
            main.Elements().Select(e => e.Name.LocalName + (e.Name.LocalName == "div" ? "." + (string)e.Attribute("class")! : "")));
        Assert.Equal(["c1", "c2", "c3"], doc.Find("article", "case").Select(a => a.Find("h2").Single().Value));
        Assert.Equal(["case-1", "case-2", "case-3"], doc.Find("article", "case").Select(a => (string)a.Attribute("id")!));
        Assert.Equal(3, report.CaseCount);
        Assert.Equal(2, report.TableCount);
    }

    [Fact]
    public void CaseLists_AreSnapshotWhenAdded()
    {
        var patches = new List<PatchMap> { new("a", new Heatmap(1, 1, [1f])) };
        var report = new HtmlReport("snapshot");
        report.AddCase(new ReportCase { Title = "c", PatchMaps = patches });
        patches.Add(new PatchMap("b", new Heatmap(1, 1, [1f])));

        Assert.Single(Xhtml.Parse(report.ToHtml()).Find("figure", "patch"));
    }

    [Fact]
    public void IgOverlay_IsOffWhenAskedOrWhenSizesDiffer()
    {
        var image = new Heatmap(2, 2, [1f, 1f, 1f, 1f]);
        var ig = new Heatmap(2, 2, [0f, 0f, 0f, 0f]);
        var report = new HtmlReport("overlay");
        report.AddCase(new ReportCase { Title = "on", Image = image, IgMap = ig });
        report.AddCase(new ReportCase { Title = "off", Image = image, IgMap = ig, OverlayIgOnImage = false });
        report.AddCase(new ReportCase { Title = "sizes", Image = new Heatmap(1, 1, [1f]), IgMap = ig });
        XDocument doc = Xhtml.Parse(report.ToHtml());

        PngImage[] igImages = doc.Find("figure", "ig").Select(f => PngImage.Decode(Xhtml.PngOf(f.Find("img").Single()))).ToArray();
        // Zero attribution over a white input: the faded input shows through as a light grey (1 − 0.4 → 153).
        Assert.Equal((153, 153, 153), igImages[0][0, 0]);
        Assert.Equal((255, 255, 255), igImages[1][0, 0]);
        Assert.Equal((255, 255, 255), igImages[2][0, 0]);
        Assert.Equal(
            ["over the faded input", "2×2", "2×2"],
            doc.Find("figure", "ig").Select(f => f.Find("span", "sub").Single().Value));
    }

    [Fact]
    public void Save_WritesUtf8WithoutBom_AndCreatesTheFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "axon-report-save-" + Guid.NewGuid().ToString("N"));
        try
        {
            string path = Path.Combine(folder, "nested", "report.html");
            var report = SampleReports.TwoCases();
            report.Save(path);

            byte[] bytes = File.ReadAllBytes(path);
            Assert.NotEqual(0xEF, bytes[0]);
            Assert.Equal(report.ToHtml(), Encoding.UTF8.GetString(bytes));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
