using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Axon.Samples.Reporting.Tests;

/// <summary>
/// Renders the sample report in a real headless Chromium and checks the screenshot. Where Chromium is not
/// installed the test says so and passes; CI installs it (Debian package "chromium").
/// </summary>
public class BrowserRenderTests(ITestOutputHelper output)
{
    private const int Width = 1280;
    private const int Height = 2000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SampleReport_RendersInChromium_WithHeatmapsAndBarsVisible()
    {
        string? chromium = HeadlessChromium.Find();
        if (chromium is null)
        {
            output.WriteLine("Chromium not found at /usr/bin/chromium or /usr/bin/chromium-browser (install the Debian package \"chromium\", or set AXON_CHROMIUM): browser render check not run.");
            return;
        }

        // Keep the page and its screenshot next to the test binaries, for people and CI artifacts to look at.
        string folder = Path.Combine(AppContext.BaseDirectory, "render-check");
        Directory.CreateDirectory(folder);
        string html = Path.Combine(folder, "sample-report.html");
        string screenshot = Path.Combine(folder, "sample-report.png");
        File.Delete(screenshot);
        SampleReports.TwoCases().Save(html);

        string profile = Path.Combine(Path.GetTempPath(), "axon-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        try
        {
            var start = new ProcessStartInfo(chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars",
                "--user-data-dir=" + profile,
                "--screenshot=" + screenshot,
                $"--window-size={Width},{Height}",
                new Uri(html).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            using (var timeout = new CancellationTokenSource(Timeout))
            {
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                    Assert.Fail($"Chromium did not finish within {Timeout.TotalSeconds} s and was killed. stderr:\n{Tail(await stderr)}");
                }
            }

            string log = await stdout + await stderr;
            output.WriteLine(Tail(log));
            Assert.True(process.ExitCode == 0, $"Chromium exited with {process.ExitCode}:\n{Tail(log)}");
            Assert.True(File.Exists(screenshot), $"Chromium wrote no screenshot:\n{Tail(log)}");
            output.WriteLine($"Screenshot: {screenshot}");

            byte[] file = await File.ReadAllBytesAsync(screenshot);
            Assert.True(file.Length > 20_000, $"the screenshot is suspiciously small ({file.Length} bytes)");
            PngImage png = PngImage.Decode(file);
            Assert.Equal((Width, Height), (png.Width, png.Height));

            var colours = new HashSet<(int, int, int)>();
            int red = 0, blue = 0, teal = 0, orange = 0;
            for (int y = 0; y < png.Height; y++)
            {
                for (int x = 0; x < png.Width; x++)
                {
                    var c = png[x, y];
                    colours.Add(c);
                    if (Near(c, (0xca, 0x00, 0x20), 40)) red++;       // positive end of the heatmaps
                    if (Near(c, (0x05, 0x71, 0xb0), 40)) blue++;      // negative end of the heatmaps
                    if (Near(c, (0x0f, 0x8b, 0x8d), 6)) teal++;       // conductance bars
                    if (Near(c, (0xe8, 0x87, 0x1e), 6)) orange++;     // ablation-drop bars
                }
            }

            output.WriteLine($"{colours.Count} distinct colours; red {red}, blue {blue}, teal {teal}, orange {orange} pixels");
            Assert.True(colours.Count > 200, $"only {colours.Count} distinct colours: the page looks blank");
            Assert.True(red > 200, $"only {red} strongly red pixels: the heatmaps did not render");
            Assert.True(blue > 200, $"only {blue} strongly blue pixels: the heatmaps did not render");
            Assert.True(teal > 500 && orange > 500, $"bar colours: teal {teal}, orange {orange} pixels: the bar chart did not render");
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // A browser helper still closing may hold a file for a moment; the folder is in the temp area.
            }
        }
    }

    /// <summary>
    /// Opens the sample report (with a test-set table) in Chromium and reads the rendered page: the text a reader sees
    /// (innerText, after layout and CSS), the patch maps' decoded images and their places, and the pixels drawn there.
    /// </summary>
    [Fact]
    public async Task SampleReport_InChromium_ShowsUnitsSelectionPercentNotesAndPatchOverlays()
    {
        string? chromium = HeadlessChromium.Find();
        if (chromium is null)
        {
            output.WriteLine("Chromium not found at /usr/bin/chromium or /usr/bin/chromium-browser (install the Debian package \"chromium\", or set AXON_CHROMIUM): browser check not run.");
            return;
        }

        string folder = Path.Combine(AppContext.BaseDirectory, "render-check");
        Directory.CreateDirectory(folder);
        string html = Path.Combine(folder, "sample-report-read.html");
        SampleReports.TwoCases().AddTable(SampleReports.TestSetTable()).Save(html);

        await using var browser = await HeadlessChromium.OpenAsync(chromium, html, Width, Height);
        string json = await browser.EvaluateAsync("""
            (async () => {
              const patches = [...document.querySelectorAll('figure.patch img')];
              await Promise.all(patches.map(i => i.decode().catch(() => null)));
              const box = e => { const r = e.getBoundingClientRect(); return { x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height }; };
              const visible = e => { const s = getComputedStyle(e); return s.display !== 'none' && s.visibility !== 'hidden' && e.getBoundingClientRect().width > 0; };
              return JSON.stringify({
                text: document.body.innerText,
                cards: [...document.querySelectorAll('article.case')].map(c => ({
                  selection: [...c.querySelectorAll('p.selection')].filter(visible).map(p => p.innerText),
                  igLegend: [...c.querySelectorAll('figure.ig .legend .title')].filter(visible).map(t => t.innerText),
                  patchLegend: [...c.querySelectorAll('section.patches .legend .title')].filter(visible).map(t => t.innerText),
                  notes: [...c.querySelectorAll('p.note')].filter(visible).map(p => p.innerText),
                  input: box(c.querySelector('figure.input img')),
                })),
                patches: patches.map(i => ({ natural: [i.naturalWidth, i.naturalHeight], box: box(i), shown: visible(i), overlay: i.closest('figure').classList.contains('overlay') })),
              });
            })()
            """);
        using JsonDocument page = JsonDocument.Parse(json);
        JsonElement root = page.RootElement;
        string text = root.GetProperty("text").GetString()!;

        // The accuracy reads as a percentage, as on the console; the fraction is nowhere on the page.
        Assert.Contains("91.75%", text);
        Assert.DoesNotContain("0.9175", text);

        JsonElement[] cards = root.GetProperty("cards").EnumerateArray().ToArray();
        Assert.Equal(2, cards.Length);
        foreach (JsonElement card in cards)
        {
            Assert.Equal([$"top 6 of {SampleReports.LayerFilters} filters by conductance"], Strings(card, "selection"));
            Assert.Equal(["Units: " + SampleReports.Unit], Strings(card, "igLegend"));
            Assert.Equal(["shared scale · units: " + SampleReports.Unit], Strings(card, "patchLegend"));
            Assert.Single(Strings(card, "notes"));
        }

        // Every patch map is the input-sized overlay, decoded and on screen, and shows the input's dark outline.
        JsonElement[] patches = root.GetProperty("patches").EnumerateArray().ToArray();
        Assert.Equal(12, patches.Length);
        foreach (JsonElement patch in patches)
        {
            Assert.True(patch.GetProperty("overlay").GetBoolean());
            Assert.True(patch.GetProperty("shown").GetBoolean());
            Assert.Equal([SampleReports.Size, SampleReports.Size], patch.GetProperty("natural").EnumerateArray().Select(v => v.GetInt32()));
            JsonElement box = patch.GetProperty("box");
            double w = box.GetProperty("w").GetDouble(), h = box.GetProperty("h").GetDouble();
            Assert.True(w >= 2 * SampleReports.Size && h >= 2 * SampleReports.Size, $"a patch map is drawn {w}×{h} px");

            // Inside the image's 1-px border: count the outline's colour and the distinct colours.
            PngImage shot = await browser.ScreenshotAsync(box.GetProperty("x").GetDouble() + 1, box.GetProperty("y").GetDouble() + 1, w - 2, h - 2);
            int outline = 0;
            var colours = new HashSet<(int, int, int)>();
            for (int y = 0; y < shot.Height; y++)
            {
                for (int x = 0; x < shot.Width; x++)
                {
                    var c = shot[x, y];
                    colours.Add(c);
                    if (Near(c, (0x22, 0x22, 0x22), 4)) outline++;
                }
            }

            output.WriteLine($"patch map {shot.Width}×{shot.Height}: {outline} outline pixels, {colours.Count} colours");
            Assert.True(outline > shot.Width, $"only {outline} outline-coloured pixels in a patch map: the input's outline is not drawn");
            Assert.True(colours.Count > 8, $"only {colours.Count} colours in a patch map: the faded input does not show through");
        }
    }

    private static string[] Strings(JsonElement card, string name) =>
        card.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static bool Near((int R, int G, int B) a, (int R, int G, int B) b, int tolerance) =>
        Math.Abs(a.R - b.R) <= tolerance && Math.Abs(a.G - b.G) <= tolerance && Math.Abs(a.B - b.B) <= tolerance;

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
