using Axon.Attribution.Backends;
using Axon.Model;

namespace Axon.Attribution.Tests.Windows;

/// <summary>
/// Patch IG's region products with one masked vector per tile row (<see cref="RegionProductSwitch.Masked"/>) against the
/// short-run products they replace: the same multiply and add per element, so the same bits, at every node of the shipped
/// CNN's tiled chain (tiles 4–9 wide: masked rows up to 8, the old runs above), in double and float. That the windowed
/// products equal the full tangent passes is <see cref="ShippedShapeWindowTests"/>'s to check (they run the masked rows).
/// </summary>
public class MaskedRegionProductTests
{
    private static readonly IntegrationOptions Gauss = new() { Steps = 5 };

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void MaskedRowsGiveTheShortRunsBitsInDouble(int layer)
    {
        IDifferentiableModel<double> model = RegionWindowTests.Seeded(new ShippedShapeCnn(), 81);
        var x = BruteForce.RandomVector(3 * model.InputSize, 82);
        var masked = Patch(model, layer, x, masked: true);
        var runs = Patch(model, layer, x, masked: false);
        Assert.Contains(runs, value => value != 0);
        for (int i = 0; i < runs.Length; i++)
            Assert.True(BitConverter.DoubleToInt64Bits(masked[i]) == BitConverter.DoubleToInt64Bits(runs[i]), $"layer {layer}, element {i}: {masked[i]} against {runs[i]}");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void MaskedRowsGiveTheShortRunsBitsInFloat(int layer)
    {
        IDifferentiableModel<float> model = new ShippedShapeCnnFloat();
        var random = new Random(83);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (float)(random.NextDouble() * 2 - 1) * 0.6f;
        var x = Array.ConvertAll(BruteForce.RandomVector(3 * model.InputSize, 84), v => (float)v);
        var masked = Patch(model, layer, x, masked: true);
        var runs = Patch(model, layer, x, masked: false);
        Assert.Contains(runs, value => value != 0);
        for (int i = 0; i < runs.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(masked[i]) == BitConverter.SingleToInt32Bits(runs[i]), $"layer {layer}, element {i}: {masked[i]} against {runs[i]}");
    }

    private static T[] Patch<T>(IDifferentiableModel<T> model, int layer, T[] x, bool masked) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var engine = new Attributor<T>(new CpuPathBackend<T>(model, 20));
        var regions = ShippedShapeWindowTests.Grid();
        var result = new T[x.Length / model.InputSize * regions.Length * model.Layers[layer].Size];
        bool was = RegionProductSwitch.Masked;
        RegionProductSwitch.Masked = masked;
        try
        {
            engine.PatchIntegratedGradients(layer, regions, x, new[] { 2, 5, 8 }, Baseline<T>.Zero, result, Gauss);
        }
        finally
        {
            RegionProductSwitch.Masked = was;
        }

        return result;
    }
}
