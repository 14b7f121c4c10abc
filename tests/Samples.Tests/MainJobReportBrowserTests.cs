using System.Text.Json;
using Axon.Samples.Fashion;
using Axon.Samples.Reporting;
using Axon.Samples.Reporting.Tests;
using Xunit.Abstractions;

namespace Axon.Samples.Tests;

/// <summary>
/// The main job's report as a reader sees it: rendered in headless Chromium and read back from the page (the text
/// after layout and CSS, the decoded patch images). Where Chromium is not installed the test says so and passes;
/// CI installs it (Debian package "chromium").
/// </summary>
public sealed class MainJobReportBrowserTests(ShippedAnalysis shipped, ITestOutputHelper output) : IClassFixture<ShippedAnalysis>
{
    [Fact]
    public async Task The_rendered_report_says_what_its_numbers_maps_and_charts_are()
    {
        string? chromium = HeadlessChromium.Find();
        if (chromium is null)
        {
            output.WriteLine("Chromium not found at /usr/bin/chromium or /usr/bin/chromium-browser (install the Debian package \"chromium\", or set AXON_CHROMIUM): browser check not run.");
            return;
        }

        // The shipped analyses plus the table an adaptive test-set run writes.
        var summary = new TestSetSummary(Images: 50, Correct: 46, MeanIgDelta: 0.0615, MeanConductanceDelta: 0.0615, Pearson: 0.96, Seconds: 5,
            Steps: 50, MaxStepsReached: 200, Tolerance: 0.01, LayerName: shipped.Analyzer.LayerName, ConductanceDeltaIsCompletenessGap: true);
        using var temp = new TempDirectory();
        string html = temp.File("report.html");
        ReportBuilder.Create(shipped.Images.Origin, shipped.Analyzer, [shipped.First, shipped.Second], [summary.Table()]).Save(html);

        await using var browser = await HeadlessChromium.OpenAsync(chromium, html, 1280, 2000);
        string json = await browser.EvaluateAsync("""
            (async () => {
              const patches = [...document.querySelectorAll('figure.patch img')];
              await Promise.all(patches.map(i => i.decode().catch(() => null)));
              return JSON.stringify({
                text: document.body.innerText,
                cards: [...document.querySelectorAll('article.case')].map(c => c.innerText),
                patches: patches.map(i => [i.naturalWidth, i.naturalHeight, i.getBoundingClientRect().width]),
              });
            })()
            """);
        using JsonDocument page = JsonDocument.Parse(json);
        string text = page.RootElement.GetProperty("text").GetString()!;
        output.WriteLine(text.Length <= 3000 ? text : text[..3000]);

        // The test-set table: accuracy as the console writes it, and the n that actually ran.
        Assert.Contains(NumberText.Percent(0.92), text);
        Assert.Contains("Test-set run (50 images, Gauss–Legendre n adaptive from 50, up to 200 reached", text);
        Assert.DoesNotContain("images, n = 50", text);
        Assert.Contains("untimed warm-up run on the first image", text);

        int total = shipped.Analyzer.FilterCount, shown = Math.Min(ReportBuilder.BarFilters, total);
        string[] cards = page.RootElement.GetProperty("cards").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Assert.Equal(2, cards.Length);
        foreach (string card in cards)
        {
            Assert.Contains($"top {shown} of {total} filters by conductance", card);
            Assert.Contains("Units: " + ImageAnalyzer.AttributionUnit, card);
            Assert.Contains("units: " + ImageAnalyzer.AttributionUnit, card);
            Assert.Contains("same quadrature error and steps by construction", card);
            Assert.Contains("Time (ms, warm)", card);
        }

        // Patch maps: decoded at the input's 28×28 (drawn over it), shown at a readable size.
        var patches = page.RootElement.GetProperty("patches").EnumerateArray().Select(p => p.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        Assert.Equal(2 * shipped.Analyzer.TopFilters, patches.Length);
        Assert.All(patches, p => Assert.Equal((28.0, 28.0), (p[0], p[1])));
        Assert.All(patches, p => Assert.True(p[2] >= 56, $"a patch map is drawn {p[2]} px wide"));
    }
}
