using Axon.Attribution.Tests.Generated;

namespace Axon.Attribution.Tests.Windows;

/// <summary>
/// A one-pass call on the CPU backend publishes its result from the backend's accumulator
/// (<see cref="Attributor{T}.PublishFromBackend"/>): the same values, bit for bit, as through the pass and staged
/// buffers, with and without the adaptive mode, and a call that fails leaves the caller's span as it was.
/// </summary>
public class InPlaceResultTests
{
    private static double[] Run(bool fromBackend, IntegrationOptions options, int layer)
    {
        var model = RegionWindowTests.Seeded(new WindowCnnPadded(), 3);
        var engine = new Attributor<double>(model) { PublishFromBackend = fromBackend };
        int n = WindowCnnPadded.InputSize;
        var x = BruteForce.RandomVector(3 * n, 11);
        var regions = RegionWindowTests.Regions(model.Layers[0].Shape, n);
        var result = new double[3 * regions.Length * model.Layers[layer].Size];
        var deltas = new double[3];
        int[] targets = [0, 1, 1];
        engine.PatchIntegratedGradients(layer, regions, x, targets, Baseline<double>.Zero, result, options, deltas);
        var ig = new double[3 * n];
        engine.IntegratedGradients(x, 1, Baseline<double>.Zero, ig, options);
        return [.. result, .. deltas, .. ig];
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-9)]
    public void TheResultIsTheSameWhereverItIsPublishedFrom(double tolerance)
    {
        var options = new IntegrationOptions { Steps = 6, Tolerance = tolerance, MaxSteps = 24 };
        foreach (int layer in new[] { 1, 4 })
        {
            var staged = Run(fromBackend: false, options, layer);
            var inPlace = Run(fromBackend: true, options, layer);
            Assert.Equal(staged, inPlace);
            Assert.Contains(staged, v => v != 0);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AnOverflowLeavesTheCallersSpanAsItWas(bool affinePrefix)
    {
        var model = new HandModel<float>(16, 6, 3, HandModel<float>.Act.Relu, seed: 5);
        var engine = new Attributor<float>(model, stepBatch: 8) { UseAffinePrefix = affinePrefix };
        var x = new float[32];
        Array.Fill(x, float.MaxValue); // finite, but W·x is not
        var result = Enumerable.Repeat(42f, 2 * 2 * model.Layers[2].Size).ToArray();
        var e = Assert.Throws<ArgumentException>(() => engine.PatchIntegratedGradients(2, [InputRegion.Range(0, 8), InputRegion.Range(8, 8)], x, 0, Baseline<float>.Zero, result));
        Assert.Contains("Nothing was written", e.Message);
        Assert.All(result, v => Assert.Equal(42f, v));
    }
}
