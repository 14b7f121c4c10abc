using Axon.Attribution.Backends;
using Axon.Model;

namespace Axon.Attribution.Tests.Windows;

/// <summary>
/// Patch IG on the shipped CNN's shape with the benchmark's regions (a 4 × 4 grid of 7 × 7 patches): the windowed
/// region tangents (ReLU and max pooling in one tile kernel, the products in parallel) equal the full tangent passes,
/// in double and float, at every node of the tiled chain; each region's terms sum to IG summed over its pixels.
/// </summary>
public class ShippedShapeWindowTests
{
    private static readonly IntegrationOptions Gauss = new() { Steps = 5 };
    private static readonly int[] Targets = [3, 7];

    internal static InputRegion[] Grid() => [.. Enumerable.Range(0, 16).Select(q => InputRegion.Rectangle(q / 4 * 7, q % 4 * 7, 7, 7))];

    private static double[] Patch(IDifferentiableModel<double> model, int layer, double[] x, bool windows, int stepBatch, bool prefix = false)
    {
        var backend = new CpuPathBackend<double>(model, stepBatch) { UseRegionWindows = windows };
        var engine = new Attributor<double>(backend) { UseAffinePrefix = prefix, InputLanes = 1 }; // the test reads this backend's tile plan
        var regions = Grid();
        var result = new double[x.Length / model.InputSize * regions.Length * model.Layers[layer].Size];
        engine.PatchIntegratedGradients(layer, regions, x, Targets, Baseline<double>.Zero, result, Gauss);
        if (windows) Assert.Equal(regions.Length, backend.RegionTiles!.TiledRegions(Math.Min(layer, 6)));
        return result;
    }

    [Theory]
    [InlineData(3)] // pool1: ReLU and pooling in one tile kernel, no tiles above it
    [InlineData(4)] // conv2
    [InlineData(5)] // relu2, the benchmark's layer (folded into the gradient)
    [InlineData(6)] // pool2
    public void WindowedRegionsEqualTheFullPassInDouble(int layer)
    {
        IDifferentiableModel<double> model = RegionWindowTests.Seeded(new ShippedShapeCnn(), 71);
        var x = BruteForce.RandomVector(2 * model.InputSize, 72);
        foreach (int stepBatch in new[] { 7, 20 })
        {
            var full = Patch(model, layer, x, windows: false, stepBatch);
            var windowed = Patch(model, layer, x, windows: true, stepBatch);
            Assert.Contains(full, value => value != 0);
            Check.Close(full, windowed, 1e-12, $"layer {layer}, batch {stepBatch}");
        }
    }

    [Fact]
    public void WindowedRegionsEqualTheFullPassInFloat()
    {
        IDifferentiableModel<float> model = new ShippedShapeCnnFloat();
        var random = new Random(73);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (float)(random.NextDouble() * 2 - 1) * 0.6f;
        var x = Array.ConvertAll(BruteForce.RandomVector(2 * model.InputSize, 74), v => (float)v);
        int layer = 5, size = model.Layers[layer].Size;
        var regions = Grid();
        var results = new double[2][];
        foreach (bool windows in new[] { false, true })
        {
            var engine = new Attributor<float>(new CpuPathBackend<float>(model, 20) { UseRegionWindows = windows });
            var result = new float[2 * regions.Length * size];
            engine.PatchIntegratedGradients(layer, regions, x, 1, Baseline<float>.Zero, result, Gauss);
            results[windows ? 1 : 0] = Array.ConvertAll(result, v => (double)v);
        }

        Assert.Contains(results[0], value => value != 0);
        Check.Close(results[0], results[1], 1e-5, "float, relu2");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(6)]
    public void EachRegionSumsToIntegratedGradientsOverItsPixels(int layer)
    {
        // Σⱼ IG_{S,j} = ∫ ∇F · ((x − x′) ⊙ 1_S) dα = Σ_{i∈S} IG_i at a layer that every path crosses, for the same rule.
        IDifferentiableModel<double> model = RegionWindowTests.Seeded(new ShippedShapeCnn(), 75);
        int n = model.InputSize, size = model.Layers[layer].Size;
        var x = BruteForce.RandomVector(2 * n, 76);
        var patches = Patch(model, layer, x, windows: true, stepBatch: 20);
        var ig = new double[2 * n];
        var engine = new Attributor<double>(model) { UseAffinePrefix = false };
        engine.IntegratedGradients(x, Targets, Baseline<double>.Zero, ig, Gauss);
        var regions = Grid();
        for (int b = 0; b < 2; b++)
        {
            for (int q = 0; q < regions.Length; q++)
            {
                int top = q / 4 * 7, left = q % 4 * 7;
                double pixels = 0;
                for (int y = top; y < top + 7; y++)
                {
                    for (int c = left; c < left + 7; c++) pixels += ig[b * n + y * 28 + c];
                }

                double terms = Check.Sum(patches.AsSpan((b * regions.Length + q) * size, size));
                Check.Close(pixels, terms, 1e-10, $"input {b}, region {q}");
            }
        }
    }
}

public class TilePoolingGuardTests
{
    [Fact]
    public void TilePoolingRefusesATapeWithoutTheRowsItsSamplesRead()
    {
        IDifferentiableModel<double> model = new ShippedShapeCnn();
        var tiles = new TileSet<double>(model.Layers, 3);
        tiles.Reset(2);
        for (int l = 0; l <= 3; l++) tiles.SetSize(l, 1, 1);
        tiles.SetRow(0, 0);
        tiles.SetRow(1, 1); // row 1: the tapes below hold one row only
        int size = model.Layers[3].Size;
        var oneRow = new int[size];
        var pooled = new double[size];
        var e = Assert.Throws<ArgumentException>(() => Axon.Kernels.TileKernels.MaxPool2d(tiles, 3, oneRow, 2, 2));
        Assert.Equal("argmax", e.ParamName);
        Assert.Throws<ArgumentException>(() => Axon.Kernels.TileKernels.ReluMaxPool2d(tiles, 3, pooled, oneRow, 2, 2));
        Assert.Throws<ArgumentException>(() => Axon.Kernels.TileKernels.ReluMaxPool2d(tiles, 3, new double[2 * size], oneRow, 2, 2));
    }
}

[Collection(nameof(AllocationTests))]
public class ShippedShapeWindowAllocationTests
{
    [Fact]
    public void WindowedPatchCallsOnTheShippedShapeAllocateNothing()
    {
        IDifferentiableModel<float> model = new ShippedShapeCnnFloat();
        var random = new Random(77);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (float)(random.NextDouble() * 2 - 1) * 0.6f;
        // The tiled windows serve patch calls that pattern tracking does not take (see PatternTrackingTests): off here.
        var engine = new Attributor<float>(model) { InputLanes = 1, UsePatternTracking = false }; // the test reads the engine's own backend
        int layer = 5;
        var regions = ShippedShapeWindowTests.Grid();
        var x = new float[3 * model.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextDouble();
        var result = new float[3 * regions.Length * model.Layers[layer].Size];
        var options = new IntegrationOptions { Steps = 8 };
        void Run() => engine.PatchIntegratedGradients(layer, regions, x, 0, Baseline<float>.Zero, result, options);
        Run();
        Assert.Equal(regions.Length, ((CpuPathBackend<float>)engine.Backend).RegionTiles!.TiledRegions(layer));
        Allocations.AssertNone(Run);
    }
}
