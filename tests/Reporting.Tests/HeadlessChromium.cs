using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Axon.Samples.Reporting.Tests;

/// <summary>
/// A headless Chromium showing one local page, driven over the DevTools protocol (a WebSocket on the loopback
/// interface): evaluate script in the rendered page, screenshot a region of it. Disposing closes the browser and
/// deletes its profile.
/// </summary>
internal sealed partial class HeadlessChromium : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly StringBuilder _log = new();
    private readonly List<(string Method, string? FrameUrl)> _events = [];
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The browser: $AXON_CHROMIUM if set (it must exist), else the Debian path, else none.</summary>
    public static string? Find()
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

    /// <summary>Starts <paramref name="chromium"/> on <paramref name="page"/> with a window of the given size and connects to the page.</summary>
    public static async Task<HeadlessChromium> OpenAsync(string chromium, string page, int width, int height)
    {
        string profile = Path.Combine(Path.GetTempPath(), "axon-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
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
            "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
            "--user-data-dir=" + profile,
            $"--window-size={width},{height}",
            "about:blank",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var browser = new HeadlessChromium(Process.Start(start)!, profile);
        try
        {
            await browser.ConnectAsync();
            await browser.NavigateAsync(new Uri(page).AbsoluteUri);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>What the browser wrote on stdout and stderr so far (for failure messages).</summary>
    public string Log
    {
        get
        {
            lock (_log) return _log.Length <= 4000 ? _log.ToString() : _log.ToString(_log.Length - 4000, 4000);
        }
    }

    /// <summary>
    /// Evaluates <paramref name="expression"/> in the page once it has loaded, awaiting a promise, and returns its
    /// value (the expression should return a string, for example JSON.stringify of what it measured).
    /// </summary>
    public async Task<string> EvaluateAsync(string expression)
    {
        string wrapped = "(async () => { if (document.readyState !== 'complete') await new Promise(r => addEventListener('load', r)); " +
                         "await document.fonts.ready; return (" + expression + "); })()";
        JsonElement result = await CallAsync("Runtime.evaluate", new { expression = wrapped, awaitPromise = true, returnByValue = true });
        if (result.TryGetProperty("exceptionDetails", out JsonElement exception))
            Assert.Fail("The page's script failed: " + exception.GetRawText());
        return result.GetProperty("result").GetProperty("value").GetString()!;
    }

    /// <summary>A PNG screenshot of the page region at (<paramref name="x"/>, <paramref name="y"/>), in CSS pixels from the top of the document.</summary>
    public async Task<PngImage> ScreenshotAsync(double x, double y, double width, double height)
    {
        JsonElement result = await CallAsync("Page.captureScreenshot", new
        {
            format = "png",
            captureBeyondViewport = true,
            clip = new { x, y, width, height, scale = 1 },
        });
        return PngImage.Decode(Convert.FromBase64String(result.GetProperty("data").GetString()!));
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // It never started or has gone already.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // A helper process still closing may hold a file for a moment; the folder is in the temp area.
        }
    }

    private async Task ConnectAsync()
    {
        // Chromium announces its DevTools endpoint on stderr: "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID".
        var announced = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_log) _log.AppendLine(e.Data);
            Match match = Endpoint().Match(e.Data);
            if (match.Success) announced.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_log) _log.AppendLine(e.Data);
        };
        _process.Exited += (_, _) => announced.TrySetException(new InvalidOperationException($"Chromium exited before it listened:\n{Log}"));
        _process.EnableRaisingEvents = true;
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        if (_process.HasExited) announced.TrySetException(new InvalidOperationException($"Chromium exited before it listened:\n{Log}"));

        int port = await announced.Task.WaitAsync(StartTimeout);
        using var http = new HttpClient { Timeout = CallTimeout };
        string? pageSocket = null;
        var deadline = Stopwatch.StartNew();
        while (pageSocket is null)
        {
            using JsonDocument targets = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"));
            pageSocket = targets.RootElement.EnumerateArray()
                .Where(t => t.GetProperty("type").GetString() == "page" && t.TryGetProperty("webSocketDebuggerUrl", out _))
                .Select(t => t.GetProperty("webSocketDebuggerUrl").GetString())
                .FirstOrDefault();
            if (pageSocket is null)
            {
                Assert.True(deadline.Elapsed < StartTimeout, $"Chromium listed no page within {StartTimeout.TotalSeconds} s:\n{Log}");
                await Task.Delay(100);
            }
        }

        using var timeout = new CancellationTokenSource(CallTimeout);
        await _socket.ConnectAsync(new Uri(pageSocket), timeout.Token);
    }

    /// <summary>Loads <paramref name="url"/> in the page and waits for its load event (images decoded, layout done).</summary>
    private async Task NavigateAsync(string url)
    {
        await CallAsync("Page.enable", new { });
        JsonElement navigated = await CallAsync("Page.navigate", new { url });
        if (navigated.TryGetProperty("errorText", out JsonElement failure))
            Assert.Fail($"Chromium could not open {url}: {failure.GetString()}");
        // Done when the page's main frame has navigated to the URL and a load event followed (not about:blank's).
        var target = new Uri(url);
        bool Loaded()
        {
            int navigated = _events.FindIndex(e => e.Method == "Page.frameNavigated" && e.FrameUrl is { } frame && new Uri(frame) == target);
            return navigated >= 0 && _events.Skip(navigated + 1).Any(e => e.Method == "Page.loadEventFired");
        }

        using var timeout = new CancellationTokenSource(CallTimeout);
        while (!Loaded())
            await ReceiveAsync(-1, "Page.navigate", timeout.Token);
    }

    private async Task<JsonElement> CallAsync(string method, object parameters)
    {
        int id = ++_nextId;
        byte[] request = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters });
        using var timeout = new CancellationTokenSource(CallTimeout);
        await _socket.SendAsync(request, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        while (true)
        {
            JsonElement? result = await ReceiveAsync(id, method, timeout.Token);
            if (result is { } value) return value;
        }
    }

    /// <summary>Reads one message: the reply to call <paramref name="id"/> (returned), or an event (its name is recorded).</summary>
    private async Task<JsonElement?> ReceiveAsync(int id, string method, CancellationToken cancel)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult received;
        do
        {
            received = await _socket.ReceiveAsync(buffer, cancel);
            Assert.True(received.MessageType != WebSocketMessageType.Close, $"Chromium closed the DevTools connection during {method}:\n{Log}");
            message.Write(buffer, 0, received.Count);
        }
        while (!received.EndOfMessage);

        using JsonDocument reply = JsonDocument.Parse(message.ToArray());
        if (reply.RootElement.TryGetProperty("method", out JsonElement eventName))
        {
            string? frameUrl = null;
            if (reply.RootElement.TryGetProperty("params", out JsonElement p) && p.TryGetProperty("frame", out JsonElement frame)
                && !frame.TryGetProperty("parentId", out _) && frame.TryGetProperty("url", out JsonElement u))
            {
                frameUrl = u.GetString();
            }

            _events.Add((eventName.GetString()!, frameUrl));
            return null;
        }

        if (!reply.RootElement.TryGetProperty("id", out JsonElement replyId) || replyId.GetInt32() != id) return null;
        if (reply.RootElement.TryGetProperty("error", out JsonElement error))
            Assert.Fail($"DevTools {method} failed: {error.GetRawText()}");
        return reply.RootElement.GetProperty("result").Clone();
    }

    [GeneratedRegex(@"DevTools listening on ws://127\.0\.0\.1:(\d+)/")]
    private static partial Regex Endpoint();
}
