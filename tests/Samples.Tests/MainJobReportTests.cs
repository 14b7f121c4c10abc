using System.Xml;
using System.Xml.Linq;
using Axon.IO;
using Axon.Samples.Fashion;
using Axon.Samples.Reporting;

namespace Axon.Samples.Tests;

/// <summary>One shipped image explained by the main job's analyzer, shared by the report tests (an analysis takes a while).</summary>
public sealed class ShippedAnalysis
{
    public ShippedAnalysis()
    {
        Model = new FashionCnn();
        ModelWeights.Load(Model, JobRun.Asset("fashion-cnn.safetensors"));
        Images = ImageSet.LoadShipped(JobRun.Asset("fashion-samples.safetensors"));
        Analyzer = new ImageAnalyzer(Model, steps: 50, tolerance: 0.01, topFilters: 2);
        WarmUpBefore = Analyzer.WarmUpMilliseconds;
        First = Analyzer.Analyze(Images.Image(0), Images.Labels[0], Images.SourceIndices[0]);
        WarmUpAfterFirst = Analyzer.WarmUpMilliseconds;
        Second = Analyzer.Analyze(Images.Image(1), Images.Labels[1], Images.SourceIndices[1]);
        Html = ReportBuilder.Create(Images.Origin, Analyzer, [First, Second], []).ToHtml();
        Page = Parse(Html);
    }

    public FashionCnn Model { get; }

    internal ImageSet Images { get; }

    internal ImageAnalyzer Analyzer { get; }

    public double? WarmUpBefore { get; }

    public double? WarmUpAfterFirst { get; }

    internal ImageAnalysis First { get; }

    internal ImageAnalysis Second { get; }

    public string Html { get; }

    public XDocument Page { get; }

    /// <summary>The report as XML (it is written as XHTML-compatible markup).</summary>
    public static XDocument Parse(string html)
    {
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }
}

/// <summary>The main job's HTML report says what its numbers, maps and charts are.</summary>
public sealed class MainJobReportTests(ShippedAnalysis shipped) : IClassFixture<ShippedAnalysis>
{
    private static IEnumerable<XElement> Find(XContainer root, string name, string? cssClass = null) =>
        root.Descendants().Where(e => e.Name.LocalName == name && (cssClass is null || ((string?)e.Attribute("class"))?.Split(' ').Contains(cssClass) == true));

    private XElement[] Cards => Find(shipped.Page, "article", "case").ToArray();

    [Fact]
    public void The_first_image_is_timed_after_an_untimed_warm_up_and_the_report_says_what_the_time_covers()
    {
        Assert.Null(shipped.WarmUpBefore);
        Assert.NotNull(shipped.WarmUpAfterFirst);
        Assert.Equal(shipped.WarmUpAfterFirst, shipped.Analyzer.WarmUpMilliseconds); // one warm-up, before the first image only

        string[] paragraphs = Find(shipped.Page, "p", "text").Select(p => p.Value).ToArray();
        Assert.Contains(paragraphs, p => p.StartsWith("Time: the wall-clock time of one image's whole analysis", StringComparison.Ordinal)
            && p.Contains("after an untimed warm-up run on the first image", StringComparison.Ordinal));
        foreach (XElement card in Cards)
            Assert.Contains("Time (ms, warm)", Find(card, "th").Select(th => th.Value));
    }

    [Fact]
    public void Cards_say_that_IG_and_conductance_agree_by_construction_on_the_cut_layer()
    {
        // relu2 is a cut of this CNN: its conductances sum to IG's path integral, so the deltas and n agree.
        Assert.True(shipped.First.ConductanceDeltaIsCompletenessGap);
        Assert.Equal(shipped.First.IgSteps, shipped.First.ConductanceSteps);
        Assert.Equal(shipped.First.IgDelta, shipped.First.ConductanceDelta, 3);
        foreach (XElement card in Cards)
        {
            string note = Find(card, "p", "note").Single().Value;
            Assert.Contains("same quadrature error and steps by construction", note);
            Assert.Contains("'relu2' is a cut", note);
        }

        // Where the layer is not a cut, the card says the conductance delta is only the rule's error instead.
        var bypassed = shipped.First with { ConductanceDeltaIsCompletenessGap = false };
        XDocument page = ShippedAnalysis.Parse(ReportBuilder.Create(shipped.Images.Origin, shipped.Analyzer, [bypassed], []).ToHtml());
        string other = Find(page, "p", "note").Single().Value;
        Assert.Contains("only the quadrature rule's error", other);
        Assert.DoesNotContain("by construction", other);
    }

    [Fact]
    public void The_bar_chart_says_it_shows_the_top_filters_of_all_of_them()
    {
        int total = shipped.Analyzer.FilterCount, shown = Math.Min(ReportBuilder.BarFilters, total);
        Assert.True(total > shown, "the CNN's layer has more filters than the chart shows, or this test checks nothing");
        foreach (XElement card in Cards)
        {
            XElement section = Find(card, "section", "bars").Single();
            Assert.Equal($"top {shown} of {total} filters by conductance", Find(section, "p", "selection").Single().Value);
            Assert.Equal(shown, Find(section, "rect", "s1").Count(r => r.Attribute("data-value") is not null));
        }
    }

    [Fact]
    public void Maps_are_labelled_in_units_of_the_target_which_is_the_predicted_class_logit()
    {
        // The unit the report prints is what the code attributes: F is the predicted class's logit (no softmax),
        // so F(x) − F(black) is a logit difference, and the IG map sums to it up to the delta.
        ImageAnalysis a = shipped.First;
        var ws = shipped.Model.CreateWorkspace(1);
        var logits = new float[FashionCnn.OutputSize];
        var black = new float[FashionCnn.OutputSize];
        shipped.Model.Forward(ws, shipped.Images.Image(0), 1, logits);
        shipped.Model.Forward(ws, new float[FashionCnn.InputSize], 1, black);
        Assert.Equal(logits[a.Predicted] - black[a.Predicted], a.TargetChange, 4);
        Assert.Equal(a.TargetChange + a.IgDelta, a.IgMap.Sum(v => (double)v), 2);
        Assert.Equal("Δ logit of the predicted class", ImageAnalyzer.AttributionUnit);

        foreach (XElement card in Cards)
        {
            XElement[] legends = Find(card, "figure", "ig").Concat(Find(card, "section", "patches")).Select(f => Find(f, "div", "legend").Single()).ToArray();
            Assert.Equal(2, legends.Length);
            Assert.All(legends, l => Assert.Equal(ImageAnalyzer.AttributionUnit, (string?)l.Attribute("data-unit")));
            Assert.All(legends, l => Assert.Contains("units: " + ImageAnalyzer.AttributionUnit, Find(l, "div", "title").Single().Value, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public void Patch_maps_are_drawn_over_the_input_and_confidences_are_percentages()
    {
        foreach (XElement card in Cards)
        {
            XElement[] patches = Find(card, "figure", "patch").ToArray();
            Assert.Equal(shipped.Analyzer.TopFilters, patches.Length);
            foreach (XElement img in patches.Select(p => Find(p, "img").Single()))
            {
                Assert.Contains("overlay", ((string)img.Parent!.Attribute("class")!).Split(' '));
                Assert.Equal(ImageAnalyzer.PatchGrid.ToString(), (string?)img.Attribute("data-rows"));
                Assert.Equal(28 * 3, int.Parse((string)img.Attribute("width")!)); // the input's size, not the 7×7 grid's
            }
        }

        Assert.Equal($"({NumberText.Percent(shipped.First.Confidence, 1)})", Find(Cards[0], "h2").Single().Value.Split(' ')[^1]);
    }
}
