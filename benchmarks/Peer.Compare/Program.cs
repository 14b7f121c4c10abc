// Axon against libtorch on the same attribution work, from one run on this machine (docs/benchmarks.md, "Against
// libtorch"). scripts/bench-vs-libtorch.sh builds both programs and runs this one:
//
//   dotnet Axon.Peer.Compare.dll --peer /tmp/peer/artifacts/.../peer-libtorch.dll [--reps 7] [--threads 2] [--dump DIR] [--untuned] [--warm-seconds 2] [--rounds 1]
//   dotnet Axon.Peer.Compare.dll [--reps 7]          (no --peer: Axon's side only, on its own random weights)
//   dotnet Axon.Peer.Compare.dll --encoder-only [--reps 7]   (Axon's encoder block only, nothing else: for profiling it)
//
// 1. Runs the libtorch program (benchmarks/Peer.Libtorch --compare) as a child process, with libtorch at its best here
//    (DNNL_MAX_CPU_ISA=AVX2 unless the environment says otherwise, DEFAULT for oneDNN's own choice; glibc malloc
//    keeping freed memory, unless --untuned), and reads its PEER / PEERCHECK lines (PeerOutput).
// 2. Loads the weights and inputs that program used (its --dump), so both sides run the same networks on the same
//    64 inputs, and times Axon here: a warm-up of at least 2 calls and --warm-seconds (default 2 s), then the median of
//    --reps calls, as the libtorch program does (the same warm-up, median of --reps). The warm-up is long because .NET's
//    tiered JIT compiles the hot kernels again, optimised, on a background thread that shares the 2 cores: with 0.5 s
//    the first work measured (FashionCnn IG) could still run some first-tier code, up to 1.7× slower than later calls.
// 3. Prints one table: libtorch ms/input, Axon ms/input with the rule libtorch uses and the speed-up, Axon's default
//    (Gauss–Legendre) and its speed-up, and how far Axon's attributions are from libtorch's (same rule).
// 4. With --rounds N (N > 1), runs the libtorch program and Axon's same-rule calls N − 1 more times, one after the
//    other, and prints each round's speed-ups and their median: on this virtual machine the same code moves by up to
//    ±30 % from minute to minute, so a ratio from one pair of runs is good to about that.
//
// Same work on both sides (Captum's definitions, as the libtorch program implements them):
//  * IG: riemann_right, α = k/n for k = 1..n, weights 1/n: n = 50 model rows per input. Axon: RiemannRight, n = 50.
//  * Layer conductance: riemann_trapezoid's grid α = k/n for k = 0..n (n + 1 = 51 rows per input), and
//    Σₖ ∂F/∂y(αₖ) · (y(αₖ₊₁) − y(αₖ)) for k < n — the gradient at each interval's left end (Captum uses the rule only
//    for its grid). Axon: LayerPathForm.Difference with RiemannLeft, n = 50: the same grid, the same sum.
//  * conv1 / conv2 / fc1 are those layers' outputs before the ReLU, on both sides.
//  * Then a second table: a pre-LN transformer encoder block's forward + backward at batch 64 × 64 × 128, 4 heads
//    (EncoderBlock, EncoderBenchmark), on the libtorch program's weights, input and seed, with the ratio.
using System.Diagnostics;
using System.Globalization;
using Axon.Attribution;
using Axon.Benchmarks.Peer;
using Axon.IO;
using Axon.Model;
using Axon.Samples.Fashion;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
const int Batch = 64, Steps = 50, Target = 0, InputSize = 784;
string? peerPath = null, dumpDir = null;
int reps = 7, threads = 2, rounds = 1;
double warmSeconds = 2;
bool tuned = true, encoderOnly = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--peer": peerPath = args[++i]; break;
        case "--dump": dumpDir = args[++i]; break;
        case "--reps": reps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--rounds": rounds = Math.Max(1, int.Parse(args[++i], CultureInfo.InvariantCulture)); break;
        case "--warm-seconds": warmSeconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--untuned": tuned = false; break;
        case "--encoder-only": encoderOnly = true; break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; see the top of benchmarks/Peer.Compare/Program.cs");
            return 2;
    }
}

if (encoderOnly)
{
    // Only Axon's encoder block on its own weights, so that a profile of this process shows nothing else.
    Console.WriteLine($"Axon encoder block only: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average at start: {Machine.LoadAverage()}; {Environment.ProcessorCount} threads");
    var (ms, minMs, cpuMs, _) = EncoderBenchmark.Run(null, reps, warmSeconds);
    Console.WriteLine($"encoder block forward + backward, batch {EncoderBenchmark.Batch}: median {ms:0.00} ms, fastest {minMs:0.00} ms, process CPU {cpuMs:0.00} ms per call; load average at end: {Machine.LoadAverage()}");
    return 0;
}

var started = DateTime.UtcNow;
string loadBefore = Machine.LoadAverage();
Console.WriteLine($"Axon vs libtorch: {started:yyyy-MM-dd HH:mm} UTC; load average (1, 5, 15 min) at start: {loadBefore}");
Console.WriteLine($"machine: {Machine.CpuName()}, {Environment.ProcessorCount} logical CPUs; .NET {Environment.Version}; Axon uses {Environment.ProcessorCount} threads, libtorch {threads}");
if (Environment.ProcessorCount != threads)
    Console.WriteLine($"warning: Axon's compute pool follows the processor count ({Environment.ProcessorCount}); set DOTNET_PROCESSOR_COUNT={threads} for {threads} threads");
Console.WriteLine($"work: batch {Batch}, n = {Steps}, zero baseline, target {Target}, inputs uniform in [0, 1); median of {reps} calls after a warm-up of at least 2 calls and {warmSeconds:0.#} s");

PeerReport? peer = null;
string? ownDump = null;
if (peerPath is not null)
{
    dumpDir ??= ownDump = Path.Combine(Path.GetTempPath(), $"axon-peer-compare-{Environment.ProcessId}");
    Console.WriteLine();
    peer = Child.RunPeer(peerPath, threads, reps, warmSeconds, dumpDir, tuned);
    foreach (string work in PeerOutput.Works)
        if (!peer.Works.ContainsKey(work)) throw new InvalidOperationException($"The libtorch program printed no PEER line for '{work}'.");
}

var cnn = new FashionCnn();
var mlp = new FashionMlp();
float[] inputs;
if (dumpDir is not null)
{
    // The libtorch program's weights (PyTorch's default initialisation, torch.manual_seed(0)) and inputs (seed 1234).
    ModelWeights.Load(cnn, Path.Combine(dumpDir, "cnn.safetensors"));
    ModelWeights.Load(mlp, Path.Combine(dumpDir, "mlp.safetensors"));
    inputs = Floats.Read(Path.Combine(dumpDir, "inputs.f32"), Batch * InputSize);
}
else
{
    cnn.ResetParameters(0);
    mlp.ResetParameters(0);
    var random = new Random(1234);
    inputs = new float[Batch * InputSize];
    for (int i = 0; i < inputs.Length; i++) inputs[i] = random.NextSingle();
}

// The rule libtorch (Captum) uses, and Axon's default.
var sameIg = new IntegrationOptions { Rule = IntegrationRule.RiemannRight, Steps = Steps };
var sameConductance = new IntegrationOptions { Rule = IntegrationRule.RiemannLeft, Steps = Steps, PathForm = LayerPathForm.Difference };
var axonDefault = new IntegrationOptions { Rule = IntegrationRule.GaussLegendre, Steps = Steps };
InputRegion[] regions = [.. Enumerable.Range(0, 16).Select(q => InputRegion.Rectangle(q / 4 * 7, q % 4 * 7, 7, 7))];

var works = new (string Key, string Label, IDifferentiableModel<float> Model, int Layer, bool Ig)[]
{
    ("cnn-ig", "FashionCnn (padding 1) IG", cnn, 0, true),
    ("cnn-lc-conv1", "FashionCnn layer conductance, conv1", cnn, FashionCnn.LayerIndex.conv1, false),
    ("cnn-lc-conv2", "FashionCnn layer conductance, conv2", cnn, FashionCnn.LayerIndex.conv2, false),
    ("mlp-ig", "MLP 784-256-128-10 IG", mlp, 0, true),
    ("mlp-lc-fc1", "MLP layer conductance, fc1", mlp, FashionMlp.LayerIndex.fc1, false),
};

var rows = new List<string[]>();
var notes = new List<string>();
var sameRuleCalls = new List<(string Key, string Label, Func<AttributionReport> Call, double? TorchMs, double AxonMs)>();
double cnnIgSame = 0, cnnIgDefault = 0;
foreach (var (key, label, model, layer, isIg) in works)
{
    var engine = new Attributor<float>(model);
    var x = inputs.AsSpan(0, Batch * model.InputSize).ToArray();
    var result = new float[Batch * (isIg ? model.InputSize : model.Layers[layer].Size)];
    var same = isIg ? sameIg : sameConductance;
    Func<IntegrationOptions, AttributionReport> call = isIg
        ? o => engine.IntegratedGradients(x, Target, Baseline<float>.Zero, result, o)
        : o => engine.LayerConductance(layer, x, Target, Baseline<float>.Zero, result, o);
    var (sameMs, sameMin, sameRows) = Timing.Measure(() => call(same), reps, Batch, warmSeconds);
    string agreement = "—";
    if (peer is not null)
    {
        var (relative, off) = Floats.Compare(result, Floats.Read(Path.Combine(dumpDir!, key + ".f32"), result.Length));
        agreement = $"{relative:0.0E+0} ({off} of {result.Length})";
    }

    var (defaultMs, _, _) = Timing.Measure(() => call(axonDefault), reps, Batch, warmSeconds);
    if (key == "cnn-ig") (cnnIgSame, cnnIgDefault) = (sameMs, defaultMs);
    sameRuleCalls.Add((key, label, () => call(same), peer?.Works[key].MedianMs, sameMs));

    double? torch = peer?.Works[key].MedianMs;
    rows.Add([label, Format.Ms(torch), Format.Ms(sameMs), Format.Ratio(torch, sameMs), Format.Ms(defaultMs), Format.Ratio(torch, defaultMs), agreement]);
    notes.Add($"{key}: model rows per input: libtorch {(peer is null ? "—" : peer.Works[key].RowsPerInput.ToString(CultureInfo.InvariantCulture))}, Axon (same rule) {sameRows:0.#}" +
              $"; fastest call (same rule): Axon {Format.Ms(sameMin)} ms/input" +
              (peer is null ? "" : $", libtorch {Format.Ms(peer.Works[key].MinMs)}, speed-up {Format.Ratio(peer.Works[key].MinMs, sameMin)}"));
}

{
    // Patch IG: 16 regions (a 4×4 grid of 7×7 patches) at relu2, as a ratio to Axon's IG with the same rule.
    var engine = new Attributor<float>(cnn);
    int layer = FashionCnn.LayerIndex.relu2;
    var result = new float[Batch * regions.Length * cnn.Layers[layer].Size];
    Func<IntegrationOptions, AttributionReport> call = o => engine.PatchIntegratedGradients(layer, regions, inputs, Target, Baseline<float>.Zero, result, o);
    var (sameMs, _, _) = Timing.Measure(() => call(sameIg), reps, Batch, warmSeconds);
    var (defaultMs, _, _) = Timing.Measure(() => call(axonDefault), reps, Batch, warmSeconds);
    rows.Add(["FashionCnn patch IG, 16 regions of 7×7, at relu2", "—", $"{Format.Ms(sameMs)} ({sameMs / cnnIgSame:0.0}× IG)", "—",
              $"{Format.Ms(defaultMs)} ({defaultMs / cnnIgDefault:0.0}× IG)", "—", "—"]);
}

Console.WriteLine();
Console.WriteLine($"Axon vs libtorch, {started:yyyy-MM-dd HH:mm} UTC, load average {loadBefore} at start, {Machine.LoadAverage()} at end; ms per input");
Console.WriteLine();
Console.WriteLine("| work | libtorch ms/input | Axon ms/input, same rule | Axon speed-up | Axon ms/input, Gauss–Legendre (default) | speed-up | attributions: max diff (elements off) |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
foreach (var row in rows) Console.WriteLine("| " + string.Join(" | ", row) + " |");
Console.WriteLine();
Console.WriteLine("same rule: IG riemann_right (n = 50 rows per input); layer conductance Captum's riemann_trapezoid grid k/50, k = 0..50, with the gradient at");
Console.WriteLine("each interval's left end (51 rows; Axon: LayerPathForm.Difference + RiemannLeft). Gauss–Legendre: Axon's default (n = 50 nodes; conductance");
Console.WriteLine("by the tangent form). Attributions: max |Axon − libtorch| / max |libtorch| over the batch (same rule, weights and inputs), and how many");
Console.WriteLine("elements differ by more than 1E-4 of that max (a few on the CNN: presumably max-pool or ReLU decisions at near-ties that rounding settles differently).");
foreach (string note in notes) Console.WriteLine(note);

{
    // The transformer encoder block (docs/benchmarks.md): forward + backward per batch of 64 sequences.
    var (axonMs, axonMinMs, _, agreement) = EncoderBenchmark.Run(peer is null ? null : dumpDir, reps, warmSeconds);
    double? torchMs = peer is not null && peer.Works.TryGetValue("encoder-fb", out var encoder) ? encoder.MedianMs * EncoderBenchmark.Batch : null;
    double? torchMinMs = peer is not null && peer.Works.TryGetValue("encoder-fb", out var fastest) ? fastest.MinMs * EncoderBenchmark.Batch : null;
    Console.WriteLine();
    Console.WriteLine("Transformer encoder block (pre-LN, width 128, 4 heads, MLP 512 with GELU), batch 64 × sequence 64: forward + backward (input and parameter gradients), ms per batch");
    Console.WriteLine();
    Console.WriteLine("| work | libtorch ms/batch | Axon ms/batch | Axon speed-up | Axon sequences/s | libtorch fastest | Axon fastest | output and input gradient: max diff (elements off) |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
    Console.WriteLine($"| encoder block forward + backward | {Format.Ms(torchMs)} | {Format.Ms(axonMs)} | {Format.Ratio(torchMs, axonMs)} | {EncoderBenchmark.Batch * 1000 / axonMs:0} | {Format.Ms(torchMinMs)} | {Format.Ms(axonMinMs)} | {agreement} |");
}

if (peer is not null)
{
    Console.WriteLine($"libtorch self-check (conv input gradients): {peer.Check} (max rel diff {peer.CheckDetail}){(peer.CheckPassed ? "" : " — libtorch's CNN results are INVALID")}");
    Console.WriteLine($"libtorch: {peer.Versions}");
}
else
{
    Console.WriteLine("libtorch: not run (no --peer); Axon ran on its own random weights (seed 0) and inputs (seed 1234)");
}

if (rounds > 1)
{
    // More rounds of the same-rule works, each a fresh libtorch run followed by Axon's calls, as close in time as can be.
    var ratios = sameRuleCalls.Select(w => new List<double?> { w.TorchMs is double t ? t / w.AxonMs : null }).ToList();
    for (int round = 2; round <= rounds; round++)
    {
        var again = peerPath is null ? null : Child.RunPeer(peerPath, threads, reps, warmSeconds, dumpDir!, tuned, echo: false);
        for (int w = 0; w < sameRuleCalls.Count; w++)
        {
            var (ms, _, _) = Timing.Measure(sameRuleCalls[w].Call, reps, Batch, warmSeconds);
            ratios[w].Add(again is null ? null : again.Works[sameRuleCalls[w].Key].MedianMs / ms);
        }

        Console.WriteLine($"round {round} of {rounds} done, load average {Machine.LoadAverage()}");
    }

    Console.WriteLine();
    Console.WriteLine($"Speed-ups with the same rule over {rounds} rounds (each round: the libtorch program, then Axon's calls; median of {reps} calls each), load average {Machine.LoadAverage()} at end");
    Console.WriteLine();
    Console.WriteLine("| work | " + string.Join(" | ", Enumerable.Range(1, rounds).Select(r => $"round {r}")) + " | median |");
    Console.WriteLine("|---|" + string.Concat(Enumerable.Repeat("---:|", rounds + 1)));
    for (int w = 0; w < sameRuleCalls.Count; w++)
    {
        var values = ratios[w];
        var known = values.OfType<double>().Order().ToArray();
        string median = known.Length == 0 ? "—" : (known.Length % 2 == 1 ? known[known.Length / 2] : (known[known.Length / 2 - 1] + known[known.Length / 2]) / 2).ToString("0.0", CultureInfo.InvariantCulture) + "×";
        Console.WriteLine($"| {sameRuleCalls[w].Label} | " + string.Join(" | ", values.Select(v => v is double r ? r.ToString("0.0", CultureInfo.InvariantCulture) + "×" : "—")) + $" | {median} |");
    }
}

if (ownDump is not null) Directory.Delete(ownDump, recursive: true);
return peer is null || peer.CheckPassed ? 0 : 1;

internal static class Timing
{
    /// <summary>
    /// Median and fastest ms per input over <paramref name="reps"/> calls after a warm-up (at least 2 calls and
    /// <paramref name="warmSeconds"/>, for the tiered JIT), and the model rows per input of a call.
    /// </summary>
    public static (double Ms, double MinMs, double RowsPerInput) Measure(Func<AttributionReport> call, int reps, int batch, double warmSeconds)
    {
        var warm = Stopwatch.StartNew();
        AttributionReport report;
        int calls = 0;
        do { report = call(); calls++; } while (calls < 2 || warm.Elapsed.TotalSeconds < warmSeconds);
        var times = new double[reps];
        var stopwatch = new Stopwatch();
        for (int i = 0; i < reps; i++)
        {
            stopwatch.Restart();
            call();
            times[i] = stopwatch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return (times[reps / 2] / batch, times[0] / batch, (double)report.Evaluations / batch);
    }
}

internal static class Format
{
    public static string Ms(double? ms) => ms switch
    {
        null => "—",
        >= 1 => ms.Value.ToString("0.00", CultureInfo.InvariantCulture),
        >= 0.1 => ms.Value.ToString("0.000", CultureInfo.InvariantCulture),
        _ => ms.Value.ToString("0.0000", CultureInfo.InvariantCulture),
    };

    public static string Ratio(double? torch, double axon) => torch is double t ? (t / axon).ToString("0.0", CultureInfo.InvariantCulture) + "×" : "—";
}

internal static class Floats
{
    public static float[] Read(string path, int count)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length != 4L * count) throw new InvalidDataException($"'{path}' holds {bytes.Length} bytes; {4L * count} (float32 × {count}) were expected.");
        var values = new float[count];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    /// <summary>max |a − b| / max |b|, and how many elements differ by more than 10⁻⁴ max |b|.</summary>
    public static (double Relative, int Off) Compare(float[] a, float[] b)
    {
        double diff = 0, scale = 0;
        for (int i = 0; i < a.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs((double)a[i] - b[i]));
            scale = Math.Max(scale, Math.Abs((double)b[i]));
        }

        int off = 0;
        for (int i = 0; i < a.Length; i++) if (Math.Abs((double)a[i] - b[i]) > 1e-4 * scale) off++;
        return (diff / Math.Max(scale, 1e-30), off);
    }
}

internal static class Machine
{
    /// <summary>The load averages `uptime` prints (from /proc/loadavg).</summary>
    public static string LoadAverage()
    {
        try
        {
            string[] fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{fields[0]}, {fields[1]}, {fields[2]}";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public static string CpuName()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown CPU" : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }
}

internal static class Child
{
    /// <summary>Runs the libtorch program with --compare and --dump, echoes its output, and parses it.</summary>
    public static PeerReport RunPeer(string path, int threads, int reps, double warmSeconds, string dumpDir, bool tuned, bool echo = true)
    {
        var start = new ProcessStartInfo(path.EndsWith(".dll", StringComparison.Ordinal) ? "dotnet" : path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (path.EndsWith(".dll", StringComparison.Ordinal)) start.ArgumentList.Add(path);
        foreach (string a in new[] { "--compare", "--threads", threads.ToString(CultureInfo.InvariantCulture), "--reps", reps.ToString(CultureInfo.InvariantCulture), "--warm-seconds", warmSeconds.ToString(CultureInfo.InvariantCulture), "--dump", dumpDir })
            start.ArgumentList.Add(a);

        // oneDNN's AVX-512 convolution gives wrong input gradients for the 1-channel convolution on this CPU; AVX2 is right.
        string isa = Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA") ?? "AVX2";
        if (isa == "DEFAULT") start.Environment.Remove("DNNL_MAX_CPU_ISA");
        else start.Environment["DNNL_MAX_CPU_ISA"] = isa;

        // libtorch has no CPU caching allocator, and this VM hands freed pages back to the host: keep them in the process.
        if (tuned)
        {
            start.Environment["MALLOC_MMAP_MAX_"] = "0";
            start.Environment["MALLOC_TRIM_THRESHOLD_"] = "68719476736";
            start.Environment["MALLOC_TOP_PAD_"] = "1073741824";
        }

        if (echo) Console.WriteLine($"libtorch program: {path} (DNNL_MAX_CPU_ISA={isa}, {(tuned ? "TUNED malloc: MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=64GiB MALLOC_TOP_PAD_=1GiB" : "untuned malloc")})");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{path}'.");
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (echo) foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Console.WriteLine("  libtorch| " + line.TrimEnd('\r'));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"The libtorch program exited with {process.ExitCode}:{Environment.NewLine}{error.Result}");
        return PeerOutput.Parse(output);
    }
}
