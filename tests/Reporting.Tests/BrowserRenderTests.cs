using System.Diagnostics;
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

    /// <summary>The browser: $AXON_CHROMIUM if set (it must exist), else the Debian path, else none.</summary>
    private static string? FindChromium()
    {
        string? configured = Environment.GetEnvironmentVariable("AXON_CHROMIUM");
        if (!string.IsNullOrEmpty(configured))
        {
            Assert.True(File.Exists(configured), $"AXON_CHROMIUM names '{configured}', which does not exist.");
            return configured;
        }

        foreach (string candidate in new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" })
        {
            if (File.Exists(candidate)) return candidate;
        }

        return null;
    }

    [Fact]
    public async Task SampleReport_RendersInChromium_WithHeatmapsAndBarsVisible()
    {
        string? chromium = FindChromium();
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

    private static bool Near((int R, int G, int B) a, (int R, int G, int B) b, int tolerance) =>
        Math.Abs(a.R - b.R) <= tolerance && Math.Abs(a.G - b.G) <= tolerance && Math.Abs(a.B - b.B) <= tolerance;

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
