using System.Diagnostics;
using Axon.Attribution.Backends;
using Axon.Kernels;
using Axon.Samples.Fashion;

namespace Axon.Attribution.Benchmarks;

/// <summary>
/// Patch IG against IG in one process (issue 11's target: 16 regions of 7×7 at relu2 ≤ 2.5× IG), as Peer.Compare
/// measures them (batch 64, n = 50, zero baseline, target 0, random weights and inputs), with the same rule
/// (riemann_right) and with Gauss–Legendre; the calls alternate so that a change of the machine's load hits all of
/// them alike. Also patch IG with every region as a full tangent pass (UseRegionWindows off), for the windows' gain, and
/// with the tile convolutions and result copies as they were before the strips (TileKernels.UseStrips and
/// Attributor.PublishFromBackend off), for that change's gain.
/// </summary>
internal static class PatchRatio
{
    private const int Batch = 64, Steps = 50, Target = 0;

    /// <summary>Prints the ratios; with <paramref name="profileOnly"/>, runs patch IG (Gauss–Legendre) only, for a profiler.</summary>
    public static void Run(int repeats, bool profileOnly)
    {
        var (cnn, inputs, regions, layer) = Work();
        var engine = new Attributor<float>(cnn);
        var igResult = new float[inputs.Length];
        var patchResult = new float[Batch * regions.Length * cnn.Layers[layer].Size];
        var same = new IntegrationOptions { Rule = IntegrationRule.RiemannRight, Steps = Steps };
        var gauss = new IntegrationOptions { Rule = IntegrationRule.GaussLegendre, Steps = Steps };
        var backend = (CpuPathBackend<float>)engine.Backend;
        var calls = new (string Label, Action Call)[]
        {
            ("IG, riemann_right", () => engine.IntegratedGradients(inputs, Target, Baseline<float>.Zero, igResult, same)),
            ("patch IG, riemann_right", () => engine.PatchIntegratedGradients(layer, regions, inputs, Target, Baseline<float>.Zero, patchResult, same)),
            ("IG, Gauss–Legendre", () => engine.IntegratedGradients(inputs, Target, Baseline<float>.Zero, igResult, gauss)),
            ("patch IG, Gauss–Legendre", () => engine.PatchIntegratedGradients(layer, regions, inputs, Target, Baseline<float>.Zero, patchResult, gauss)),
            ("patch IG, GL, full passes", () =>
            {
                backend.UseRegionWindows = false;
                try
                {
                    engine.PatchIntegratedGradients(layer, regions, inputs, Target, Baseline<float>.Zero, patchResult, gauss);
                }
                finally
                {
                    backend.UseRegionWindows = true;
                }
            }),
            ("patch IG, rr, before strips", () => Before(() => engine.PatchIntegratedGradients(layer, regions, inputs, Target, Baseline<float>.Zero, patchResult, same))),
            ("patch IG, GL, before strips", () => Before(() => engine.PatchIntegratedGradients(layer, regions, inputs, Target, Baseline<float>.Zero, patchResult, gauss))),
        };

        // The state before the strips and the in-place result (2026-12-01): same-size tile convolutions one tile per
        // image, and the result copied from the backend through the pass and staged buffers.
        void Before(Action call)
        {
            TileKernels.UseStrips = false;
            engine.PublishFromBackend = false;
            try
            {
                call();
            }
            finally
            {
                TileKernels.UseStrips = true;
                engine.PublishFromBackend = true;
            }
        }

        if (profileOnly)
        {
            for (int rep = 0; rep <= repeats; rep++) calls[3].Call();
            return;
        }

        var times = calls.Select(_ => new List<double>()).ToArray();
        var cpu = calls.Select(_ => new List<double>()).ToArray();
        var process = Process.GetCurrentProcess();
        foreach (var (_, call) in calls) call(); // warm-up
        for (int rep = 0; rep < repeats; rep++)
        {
            for (int c = 0; c < calls.Length; c++)
            {
                process.Refresh();
                var used = process.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                calls[c].Call();
                times[c].Add(watch.Elapsed.TotalMilliseconds / Batch);
                process.Refresh();
                cpu[c].Add((process.TotalProcessorTime - used).TotalMilliseconds / Batch);
            }
        }

        static double MedianOf(List<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted[sorted.Length / 2];
        }

        double Median(int c) => MedianOf(times[c]);
        double Cpu(int c) => MedianOf(cpu[c]);

        Console.WriteLine($"Patch IG (16 regions of 7×7 at relu2) against IG, batch {Batch}, n = {Steps}, median of {repeats} alternating calls; load average {File.ReadAllText("/proc/loadavg").Trim()}");
        for (int c = 0; c < calls.Length; c++) Console.WriteLine($"  {calls[c].Label,-28} {Median(c),8:0.000} ms/input, process CPU time {Cpu(c),8:0.000} ms/input");
        Console.WriteLine($"  patch IG / IG: {Median(1) / Median(0):0.00} (riemann_right), {Median(3) / Median(2):0.00} (Gauss–Legendre); full passes / windows: {Median(4) / Median(3):0.00}");
        Console.WriteLine($"  by CPU time: {Cpu(1) / Cpu(0):0.00} (riemann_right), {Cpu(3) / Cpu(2):0.00} (Gauss–Legendre); full passes / windows: {Cpu(4) / Cpu(3):0.00}");
        Console.WriteLine($"  before strips and in-place result, patch IG / IG: {Median(5) / Median(0):0.00} (riemann_right), {Median(6) / Median(2):0.00} (Gauss–Legendre); by CPU time {Cpu(5) / Cpu(0):0.00}, {Cpu(6) / Cpu(2):0.00}");
        Console.WriteLine($"  before / now, patch IG: wall {Median(5) / Median(1):0.00} (riemann_right), {Median(6) / Median(3):0.00} (Gauss–Legendre); CPU time {Cpu(5) / Cpu(1):0.00}, {Cpu(6) / Cpu(3):0.00}");
    }

    /// <summary>
    /// The patch-IG work issue 11 measures, as Peer.Compare runs it: FashionCnn with seeded random weights, 64 inputs
    /// uniform in [0, 1) (seed 1234), a 4 × 4 grid of 7 × 7 regions, at relu2. Also what --tile-pool times.
    /// </summary>
    public static (FashionCnn Model, float[] Inputs, InputRegion[] Regions, int Layer) Work()
    {
        var cnn = new FashionCnn();
        cnn.ResetParameters(0);
        var random = new Random(1234);
        var inputs = new float[Batch * FashionCnn.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = random.NextSingle();
        InputRegion[] regions = [.. Enumerable.Range(0, 16).Select(q => InputRegion.Rectangle(q / 4 * 7, q % 4 * 7, 7, 7))];
        return (cnn, inputs, regions, FashionCnn.LayerIndex.relu2);
    }
}
