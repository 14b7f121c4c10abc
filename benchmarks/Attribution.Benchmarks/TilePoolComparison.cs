using System.Diagnostics;
using Axon.Attribution.Backends;
using Axon.Kernels;
using Axon.Model;
using Axon.Samples.Fashion;

namespace Axon.Attribution.Benchmarks;

/// <summary>
/// <c>--tile-pool [rounds]</c>: the tiled max pooling's tangent on AVX-512 rows against the scalar gather per output it
/// replaces (<see cref="TileKernels.UseVectorPooling"/> off), and patch IG's region products on masked vector rows
/// against the short runs (<see cref="RegionProductSwitch.Masked"/> off). First the fused ReLU + pooling kernel alone, as
/// patch IG calls it at FashionCnn's pool1 (16 regions of 7 × 7 × 20 step rows = 320 samples, 5 × 5 output tiles over
/// 9 × 9 conv1 tiles, the tape of a real forward), then patch IG (16 regions at relu2, batch 64, n = 50) with Captum's
/// rule and with Gauss–Legendre, each change alone (the other on) and both, beside IG with the same rules for the ratios. Off and on
/// alternate in one process, the order swapped every round; the median wall and process CPU time of each.
/// </summary>
internal static class TilePoolComparison
{
    private const int Batch = 64, Steps = 50;

    public static void Run(int rounds)
    {
        Console.WriteLine($"Tiled max pooling scalar / AVX-512 rows, region products short runs / masked rows (off / on), float, median of {rounds} alternating rounds; load average {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"{"work",-52} {"off wall",9} {"on wall",9} {"speed-up",9} {"off cpu",9} {"on cpu",9} {"speed-up",9}");
        try
        {
            Kernel(rounds);
            Attributions(rounds);
        }
        finally
        {
            Both(true);
        }

        Console.WriteLine($"load average at the end {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static void Kernel(int rounds)
    {
        const int rows = 20, regions = 16, count = rows * regions, pool = 3, conv = 1;
        var model = new FashionCnn();
        model.ResetParameters(1);
        var random = new Random(11);
        var input = Enumerable.Range(0, rows * FashionCnn.InputSize).Select(_ => random.NextSingle()).ToArray();
        var ws = model.CreateWorkspace(rows);
        model.Forward(ws, input, rows, new float[rows * FashionCnn.OutputSize]);
        var tiles = new TileSet<float>(model.Layers, pool);
        tiles.Reset(count);
        tiles.SetSize(conv, 9, 9);
        tiles.SetSize(pool, 5, 5);
        for (int s = 0; s < count; s++)
        {
            int q = s / rows, qy = q / 4, qx = q % 4; // region q's 7 × 7 box at (7·qy, 7·qx): its cones, clipped to the planes
            tiles.SetRow(s, s % rows);
            tiles.SetOrigin(conv, s, Math.Clamp(7 * qy - 1, 0, 28 - 9), Math.Clamp(7 * qx - 1, 0, 28 - 9));
            tiles.SetOrigin(pool, s, Math.Clamp(7 * qy / 2 - 1, 0, 14 - 5), Math.Clamp(7 * qx / 2 - 1, 0, 14 - 5));
        }

        var data = tiles.Data(conv);
        for (int i = 0; i < data.Length; i++) data[i] = random.NextSingle() * 2 - 1;
        AlternatingComparison.Compare("ReLU + pool1 tangent on 320 tiles, µs per call", () => TileKernels.ReluMaxPool2d<float>(tiles, pool, ws.ActivationFor(pool, rows), ws.IndicesFor(pool, rows), 2, 2), rounds, 200, 1000, Pooling);
    }

    private static void Attributions(int rounds)
    {
        var (cnn, inputs, regions, layer) = PatchRatio.Work();
        var engine = new Attributor<float>(cnn);
        var ig = new float[inputs.Length];
        var patch = new float[Batch * regions.Length * cnn.Layers[layer].Size];
        const double perInput = 1.0 / Batch;
        foreach (var (rule, name) in new[] { (IntegrationRule.RiemannRight, "riemann_right"), (IntegrationRule.GaussLegendre, "Gauss–Legendre") })
        {
            var options = new IntegrationOptions { Rule = rule, Steps = Steps };
            void Call() => engine.PatchIntegratedGradients(layer, regions, inputs, 0, Baseline<float>.Zero, patch, options);
            var (igWall, igCpu) = AlternatingComparison.Compare($"IG, {name} (neither), ms per input", () => engine.IntegratedGradients(inputs, 0, Baseline<float>.Zero, ig, options), rounds, 1, perInput, Both);
            AlternatingComparison.Compare($"patch IG, {name}, pooling, ms per input", Call, rounds, 1, perInput, Pooling);
            AlternatingComparison.Compare($"patch IG, {name}, products, ms per input", Call, rounds, 1, perInput, Products);
            var (patchWall, patchCpu) = AlternatingComparison.Compare($"patch IG, {name}, both, ms per input", Call, rounds, 1, perInput, Both);
            Console.WriteLine($"  patch IG / IG, {name}: wall {patchWall.Off / igWall.Off:0.00} (off), {patchWall.On / igWall.On:0.00} (on); CPU {patchCpu.Off / igCpu.Off:0.00} (off), {patchCpu.On / igCpu.On:0.00} (on)");
        }
    }

    private static void Pooling(bool on) => TileKernels.UseVectorPooling = on;

    private static void Products(bool on) => RegionProductSwitch.Masked = on;

    private static void Both(bool on)
    {
        Pooling(on);
        Products(on);
    }
}
