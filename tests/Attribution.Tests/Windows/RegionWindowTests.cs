using Axon.Attribution.Backends;
using Axon.Attribution.Tests.Generated;
using Axon.Model;

namespace Axon.Attribution.Tests.Windows;

/// <summary>
/// Patch IG's region tangents on tiles (each region's forward cone) against the full pass, and the generated tiled
/// tangent (ITiledTangent) against the full tangent and finite differences. In double the two agree to rounding.
/// </summary>
public class RegionWindowTests
{
    private static readonly IntegrationOptions Gauss = new() { Steps = 6 };

    internal static TModel Seeded<TModel>(TModel model, int seed) where TModel : IDifferentiableModel<double>
    {
        var random = new Random(seed);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (random.NextDouble() * 2 - 1) * 0.6;
        foreach (var tensor in model.ParameterTensors)
        {
            // Batch norm's running variance must stay positive.
            if (tensor.Name.EndsWith("running_var", StringComparison.Ordinal)) p.Slice(tensor.Offset, tensor.Length).Fill(0.7);
        }

        return model;
    }

    public static TheoryData<string, int> ModelsAndLayers()
    {
        var data = new TheoryData<string, int>();
        foreach (var (name, model) in Models())
        {
            int depth = ((ITiledTangent<double>)model).TiledDepth;
            for (int layer = 1; layer <= depth; layer++) data.Add(name, layer);
        }

        return data;
    }

    private static IEnumerable<(string Name, IDifferentiableModel<double> Model)> Models()
    {
        yield return (nameof(WindowCnnPadded), Seeded(new WindowCnnPadded(), 3));
        yield return (nameof(WindowCnnStrided), Seeded(new WindowCnnStrided(), 4));
        yield return (nameof(WindowCnnOverlap), Seeded(new WindowCnnOverlap(), 5));
        yield return (nameof(ReluCnn), Seeded(new ReluCnn(), 6));
    }

    private static IDifferentiableModel<double> Model(string name) => Models().First(m => m.Name == name).Model;

    /// <summary>
    /// Rectangles of a 3 × 3 grid of uneven cells (corners, borders, the middle), a scattered mask, an L-shaped mask, a
    /// flat range, one pixel at a corner and the whole plane (which runs the full pass).
    /// </summary>
    internal static InputRegion[] Regions(IReadOnlyList<int> inputShape, int inputSize)
    {
        int h = inputShape[^2], w = inputShape[^1];
        int[] rows = [0, h / 3, h / 3 + (h + 1) / 3, h], columns = [0, w / 4, w / 4 + w / 3, w];
        var regions = new List<InputRegion>();
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++) regions.Add(InputRegion.Rectangle(rows[i], columns[j], rows[i + 1] - rows[i], columns[j + 1] - columns[j]));
        }

        var scattered = new bool[inputSize];
        var random = new Random(9);
        for (int i = 0; i < inputSize; i++) scattered[i] = random.NextDouble() < 0.05;
        regions.Add(InputRegion.FromMask(scattered));
        var shape = new bool[inputSize];
        for (int y = 1; y < 4; y++) shape[y * w + 2] = true;
        shape[3 * w + 3] = shape[3 * w + 4] = true;
        regions.Add(InputRegion.FromMask(shape));
        regions.Add(InputRegion.Range(inputSize - w - 3, 5));
        regions.Add(InputRegion.Rectangle(h - 1, w - 1, 1, 1));
        regions.Add(InputRegion.Rectangle(0, 0, h, w));
        return [.. regions];
    }

    private static (double[] Result, double[] Deltas, CpuPathBackend<double> Backend) Patch(
        IDifferentiableModel<double> model, int layer, InputRegion[] regions, double[] x, double[] baseline, bool windows, int stepBatch)
    {
        var backend = new CpuPathBackend<double>(model, stepBatch) { UseRegionWindows = windows };
        // One lane: the test reads this backend's tile plan, and input lanes run on copies of it.
        var engine = new Attributor<double>(backend) { UseAffinePrefix = false, InputLanes = 1 };
        int count = x.Length / model.InputSize;
        var result = new double[count * regions.Length * model.Layers[layer].Size];
        var deltas = new double[count];
        int[] targets = [0, 1, 1];
        engine.PatchIntegratedGradients(layer, regions, x, targets, Baseline<double>.Shared(baseline), result, Gauss, deltas);
        return (result, deltas, backend);
    }

    [Theory]
    [MemberData(nameof(ModelsAndLayers))]
    public void WindowedRegionsEqualTheFullPass(string name, int layer)
    {
        var model = Model(name);
        int n = model.InputSize;
        var x = BruteForce.RandomVector(3 * n, 11);
        var baseline = BruteForce.RandomVector(n, 12, 0.3);
        var regions = Regions(model.Layers[0].Shape, n);
        foreach (int stepBatch in new[] { 7, 18 })
        {
            var (full, fullDeltas, _) = Patch(model, layer, regions, x, baseline, windows: false, stepBatch);
            var (windowed, deltas, backend) = Patch(model, layer, regions, x, baseline, windows: true, stepBatch);
            Check.Close(full, windowed, 1e-12, $"{name} layer {layer} ({model.Layers[layer].Name}), batch {stepBatch}");
            Check.Close(fullDeltas, deltas, 1e-12, $"{name} layer {layer} deltas");
            Assert.True(backend.RegionTiles!.TiledRegions(layer) >= 4, $"{name} layer {layer}: only {backend.RegionTiles.TiledRegions(layer)} regions ran on tiles");
        }
    }

    [Theory]
    [MemberData(nameof(ModelsAndLayers))]
    public void WindowedRegionsOverAPartitionSumToLayerConductance(string name, int layer)
    {
        var model = Model(name);
        int n = model.InputSize, size = model.Layers[layer].Size;
        var shape = model.Layers[0].Shape;
        int h = shape[^2], w = shape[^1];
        // A 3 × 4 grid of 4 × 3 cells (clipped at the borders).
        var grid = new List<InputRegion>();
        for (int top = 0; top < h; top += 4)
        {
            for (int left = 0; left < w; left += 3) grid.Add(InputRegion.Rectangle(top, left, Math.Min(4, h - top), Math.Min(3, w - left)));
        }

        var x = BruteForce.RandomVector(2 * n, 21);
        var engine = new Attributor<double>(new CpuPathBackend<double>(model, 16)) { UseAffinePrefix = false };
        var patches = new double[2 * grid.Count * size];
        engine.PatchIntegratedGradients(layer, [.. grid], x, 1, Baseline<double>.Zero, patches, Gauss);
        var conductance = new double[2 * size];
        engine.LayerConductance(layer, x, 1, Baseline<double>.Zero, conductance, Gauss);
        var sum = new double[2 * size];
        for (int b = 0; b < 2; b++)
        {
            for (int q = 0; q < grid.Count; q++)
            {
                for (int j = 0; j < size; j++) sum[b * size + j] += patches[(b * grid.Count + q) * size + j];
            }
        }

        Check.Close(conductance, sum, 1e-12, $"{name} layer {layer}");
    }

    [Fact]
    public void TheAffinePrefixStillAgreesWithTheWindowedSteps()
    {
        // WindowCnnPadded's conv1 is its affine prefix: patch IG there integrates per path; above it, step by step.
        var model = Model(nameof(WindowCnnPadded));
        int n = model.InputSize;
        var x = BruteForce.RandomVector(2 * n, 31);
        var regions = Regions(model.Layers[0].Shape, n);
        foreach (int layer in new[] { 1, 3 })
        {
            int size = model.Layers[layer].Size;
            var withPrefix = new double[2 * regions.Length * size];
            var stepwise = new double[2 * regions.Length * size];
            var engine = new Attributor<double>(new CpuPathBackend<double>(model, 16));
            Assert.Equal(1, engine.AffinePrefix);
            engine.PatchIntegratedGradients(layer, regions, x, 0, Baseline<double>.Zero, withPrefix, Gauss);
            engine.UseAffinePrefix = false;
            engine.PatchIntegratedGradients(layer, regions, x, 0, Baseline<double>.Zero, stepwise, Gauss);
            Check.Close(stepwise, withPrefix, 1e-12, $"layer {layer}");
        }
    }

    [Fact]
    public void FloatWindowsAgreeWithTheFullPass()
    {
        IDifferentiableModel<float> model = new ReluCnnFloat();
        var random = new Random(2);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (float)(random.NextDouble() * 2 - 1) * 0.6f;
        int n = model.InputSize, layer = 3, size = model.Layers[layer].Size;
        var x = Array.ConvertAll(BruteForce.RandomVector(2 * n, 41), v => (float)v);
        var regions = Regions(model.Layers[0].Shape, n);
        var results = new float[2][];
        foreach (bool windows in new[] { false, true })
        {
            var engine = new Attributor<float>(new CpuPathBackend<float>(model, 20) { UseRegionWindows = windows }) { UseAffinePrefix = false };
            var result = results[windows ? 1 : 0] = new float[2 * regions.Length * size];
            engine.PatchIntegratedGradients(layer, regions, x, 2, Baseline<float>.Zero, result, Gauss);
        }

        Check.Close(Array.ConvertAll(results[0], v => (double)v), Array.ConvertAll(results[1], v => (double)v), 1e-5, "float");
    }

    [Theory]
    [MemberData(nameof(ModelsAndLayers))]
    public void TiledTangentEqualsTheFullTangentAndFiniteDifferences(string name, int layer)
    {
        var model = Model(name);
        var tiled = (ITiledTangent<double>)model;
        int n = model.InputSize, size = model.Layers[layer].Size, rows = 3;
        var shape = model.Layers[0].Shape;
        int channels = shape[0], h = shape[1], w = shape[2];
        var x = BruteForce.RandomVector(rows * n, 51);
        var ws = model.CreateWorkspace(rows);
        var output = new double[rows * model.OutputSize];
        model.Forward(ws, x, rows, output);
        var tiles = new TileSet<double>(model.Layers, tiled.TiledDepth);

        // Two boxes per row: one at the top-left corner, one inside (or at the far border of a small plane).
        SpatialWindow[] boxes = [new(0, 0, 2, 3), new(h / 2, w - 3, 3, 3)];
        var windows = new SpatialWindow[boxes.Length, layer + 1];
        for (int k = 0; k < boxes.Length; k++)
        {
            windows[k, 0] = boxes[k];
            for (int l = 1; l <= layer; l++) windows[k, l] = tiled.MapWindow(l, windows[k, l - 1]);
        }

        var random = new Random(52);
        for (int k = 0; k < boxes.Length; k++)
        {
            // The boxes' cones may differ in size: each box is a set of its own.
            tiles.Reset(rows);
            for (int l = 0; l <= layer; l++) tiles.SetSize(l, windows[k, l].Height, windows[k, l].Width);
            var box = boxes[k];
            var direction = new double[rows * n];
            for (int r = 0; r < rows; r++)
            {
                tiles.SetRow(r, r);
                for (int l = 0; l <= layer; l++) tiles.SetOrigin(l, r, windows[k, l].Top, windows[k, l].Left);
                for (int c = 0; c < channels; c++)
                {
                    for (int y = box.Top; y < box.Top + box.Height; y++)
                    {
                        for (int xx = box.Left; xx < box.Left + box.Width; xx++) direction[r * n + (c * h + y) * w + xx] = random.NextDouble() * 2 - 1;
                    }
                }
            }

            var input = tiles.Data(0);
            for (int r = 0, at = 0; r < rows; r++)
            {
                for (int c = 0; c < channels; c++)
                {
                    for (int y = 0; y < box.Height; y++)
                    {
                        for (int xx = 0; xx < box.Width; xx++) input[at++] = direction[r * n + (c * h + box.Top + y) * w + box.Left + xx];
                    }
                }
            }

            tiled.TangentTiles(ws, tiles, 1, layer);
            model.Tangent(ws, direction, rows, layer);
            var full = ws.Tangent(layer).ToArray();
            var tile = tiles.Data(layer).ToArray();
            var window = windows[k, layer];
            var layerShape = model.Layers[layer].Shape;
            int lc = layerShape[0], lh = layerShape[1], lw = layerShape[2];

            // On the tile: the full tangent; outside: exactly zero.
            var onTile = new double[tile.Length];
            var outside = new List<double>();
            for (int r = 0, at = 0; r < rows; r++)
            {
                for (int c = 0; c < lc; c++)
                {
                    for (int y = 0; y < lh; y++)
                    {
                        for (int xx = 0; xx < lw; xx++)
                        {
                            double value = full[r * size + (c * lh + y) * lw + xx];
                            bool inside = y >= window.Top && y < window.Top + window.Height && xx >= window.Left && xx < window.Left + window.Width;
                            if (inside) onTile[at++] = value;
                            else outside.Add(value);
                        }
                    }
                }
            }

            Check.Close(onTile, tile, 1e-13, $"{name} layer {layer} box {k}: tile against the full tangent");
            Assert.All(outside, value => Assert.Equal(0.0, value));

            // Central differences of the layer's activation along the direction.
            const double step = 1e-6;
            var plus = new double[x.Length];
            var minus = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                plus[i] = x[i] + step * direction[i];
                minus[i] = x[i] - step * direction[i];
            }

            var check = model.CreateWorkspace(rows);
            model.Forward(check, plus, rows, output);
            var up = check.Activation(layer).ToArray();
            model.Forward(check, minus, rows, output);
            var down = check.Activation(layer).ToArray();
            var difference = new double[full.Length];
            for (int i = 0; i < full.Length; i++) difference[i] = (up[i] - down[i]) / (2 * step);
            Check.Close(difference, full, 1e-6, $"{name} layer {layer} box {k}: finite differences");
        }
    }

    [Fact]
    public void ATiledPassRefusesTapsAndForeignTiles()
    {
        IDifferentiableModel<double> model = Seeded(new WindowCnnPadded(), 1);
        var tiled = (ITiledTangent<double>)model;
        var ws = model.CreateWorkspace(1);
        var tiles = new TileSet<double>(model.Layers, tiled.TiledDepth);
        tiles.Reset(0);
        Assert.Throws<InvalidOperationException>(() => tiled.TangentTiles(ws, tiles, 1, 1)); // no forward yet
        model.Forward(ws, new double[model.InputSize], 1, new double[model.OutputSize]);
        var other = new WindowCnnOverlap();
        var foreign = new TileSet<double>(other.Layers, 1);
        Assert.Throws<ArgumentException>(() => tiled.TangentTiles(ws, foreign, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => tiled.TangentTiles(ws, tiles, 1, tiled.TiledDepth + 1));
        ws.SetIntervention(2, new bool[model.Layers[2].Size], new double[model.Layers[2].Size]);
        Assert.Throws<InvalidOperationException>(() => tiled.TangentTiles(ws, tiles, 1, 2));
    }
}

[Collection(nameof(AllocationTests))]
public class RegionWindowAllocationTests
{
    [Fact]
    public void WindowedPatchCallsAllocateNothing()
    {
        IDifferentiableModel<double> model = RegionWindowTests.Seeded(new WindowCnnPadded(), 2);
        // The tiled windows serve patch calls that pattern tracking does not take (see PatternTrackingTests): off here.
        var engine = new Attributor<double>(model, stepBatch: 16) { InputLanes = 1, UsePatternTracking = false }; // the test reads the engine's own backend
        int n = model.InputSize, layer = 4, size = model.Layers[layer].Size;
        var regions = RegionWindowTests.Regions(model.Layers[0].Shape, n);
        var x = BruteForce.RandomVector(3 * n, 61);
        var result = new double[3 * regions.Length * size];
        var deltas = new double[3];
        int[] targets = [0, 1, 2];
        var options = new IntegrationOptions { Steps = 10 };
        void Run() => engine.PatchIntegratedGradients(layer, regions, x, targets, Baseline<double>.Zero, result, options, deltas);
        Run();
        Assert.True(((CpuPathBackend<double>)engine.Backend).RegionTiles!.TiledRegions(layer) >= 9);
        Allocations.AssertNone(Run);
    }
}
