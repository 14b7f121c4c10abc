using Axon.Model;

namespace Axon.Attribution.Tests.Windows;

/// <summary>
/// Every neuron's conductance map with each feature's tangent on its forward cone (tiles) against one full tangent pass
/// per feature: the same maps to rounding, at every node of the tiled chain, on padded, strided, overlapping-pool and
/// border-clipped networks and the shipped CNN's shape; features equal to the baseline get no tangent either way.
/// </summary>
public class MapWindowTests
{
    private static readonly IntegrationOptions Gauss = new() { Steps = 4 };

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
        yield return (nameof(WindowCnnPadded), RegionWindowTests.Seeded(new WindowCnnPadded(), 81));
        yield return (nameof(WindowCnnStrided), RegionWindowTests.Seeded(new WindowCnnStrided(), 82));
        yield return (nameof(WindowCnnOverlap), RegionWindowTests.Seeded(new WindowCnnOverlap(), 83));
    }

    private static double[] Maps(IDifferentiableModel<double> model, int layer, double[] x, double[] baseline, bool windows)
    {
        var engine = new Attributor<double>(model) { UseMapWindows = windows };
        var maps = new double[engine.MapLayout(layer).Length];
        engine.NeuronConductanceMaps(layer, x, 1, Baseline<double>.Shared(baseline), maps, Gauss);
        return maps;
    }

    private static (double[] X, double[] Baseline) Point(int n, int seed)
    {
        var x = BruteForce.RandomVector(n, seed);
        var baseline = BruteForce.RandomVector(n, seed + 1, 0.3);
        for (int i = 0; i < n; i += 5) baseline[i] = x[i]; // features that do not move: no tangent, zero maps
        return (x, baseline);
    }

    [Theory]
    [MemberData(nameof(ModelsAndLayers))]
    public void WindowedMapsEqualOneFullTangentPerFeature(string name, int layer)
    {
        var model = Models().First(m => m.Name == name).Model;
        var (x, baseline) = Point(model.InputSize, 84);
        var full = Maps(model, layer, x, baseline, windows: false);
        var windowed = Maps(model, layer, x, baseline, windows: true);
        Assert.Contains(full, value => value != 0);
        Check.Close(full, windowed, 1e-12, $"{name} layer {layer} ({model.Layers[layer].Name})");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(6)]
    public void WindowedMapsOnTheShippedShapeEqualTheFullPasses(int layer)
    {
        IDifferentiableModel<double> model = RegionWindowTests.Seeded(new ShippedShapeCnn(), 85);
        var (x, baseline) = Point(model.InputSize, 86);
        var full = Maps(model, layer, x, baseline, windows: false);
        var windowed = Maps(model, layer, x, baseline, windows: true);
        Assert.Contains(full, value => value != 0);
        Check.Close(full, windowed, 1e-12, $"layer {layer}");
    }

    [Fact]
    public void WindowedMapsInFloatEqualTheFullPasses()
    {
        IDifferentiableModel<float> model = new ShippedShapeCnnFloat();
        var random = new Random(87);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (float)(random.NextDouble() * 2 - 1) * 0.6f;
        var x = Array.ConvertAll(BruteForce.RandomVector(model.InputSize, 88), v => (float)v);
        int layer = 5;
        var results = new double[2][];
        foreach (bool windows in new[] { false, true })
        {
            var engine = new Attributor<float>(model) { UseMapWindows = windows };
            var maps = new float[engine.MapLayout(layer).Length];
            engine.NeuronConductanceMaps(layer, x, 2, Baseline<float>.Zero, maps, Gauss);
            results[windows ? 1 : 0] = Array.ConvertAll(maps, v => (double)v);
        }

        Assert.Contains(results[0], value => value != 0);
        Check.Close(results[0], results[1], 1e-5, "float, relu2");
    }
}
