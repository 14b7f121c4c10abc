using Axon;
using Axon.Layers;

namespace Axon.Attribution.Tests;

/// <summary>
/// A small CNN whose ReLUs are each fused with the 2×2 max pooling after them (even maps), above an affine prefix
/// (conv1): the prefix path tells the generated passes which nodes it reads, and the fused pairs of nodes it does not
/// read go through the pooling's winners alone, writing no ReLU map.
/// </summary>
[Differentiable(ElementType = ElementType.Double), InputShape(1, 8, 8)]
public partial class PrefixReluPoolNet
{
    [Layer] private readonly Conv2d conv1 = new(1, 3, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly Conv2d conv2 = new(3, 4, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly MaxPool2d pool2 = new(2);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(16, 3);
}

/// <summary>
/// The prefix path's passes, which skip the fused ReLU's maps that it does not read, against the step-by-step engine
/// (whose passes write every map): every path method at every layer, and layer lists naming a fused ReLU in any
/// position, agree to rounding.
/// </summary>
public sealed class WinnerPassTests
{
    private const int Relu1 = 2, Relu2 = 5;

    private static PrefixReluPoolNet Model()
    {
        var model = new PrefixReluPoolNet();
        var random = new Random(31);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = random.NextDouble() - 0.45;
        return model;
    }

    [Fact]
    public void EveryPathMethodAtEveryLayerIsTheStepByStepResult() =>
        AffinePrefixTests.AssertSameWithAndWithoutPrefix(Model(), expectedPrefix: 1, seed: 9);

    [Theory]
    [InlineData(new[] { Relu1, Relu2 })]
    [InlineData(new[] { Relu2, Relu1 })]
    [InlineData(new[] { 0, Relu2, Relu1 })]
    [InlineData(new[] { Relu2, 3, Relu1 })]
    public void ALayerListNamingAFusedReluGetsItsConductance(int[] layers)
    {
        var model = Model();
        var fast = new Attributor<double>(model, stepBatch: 7);
        var slow = new Attributor<double>(model, stepBatch: 7) { UseAffinePrefix = false };
        const int count = 3;
        int n = PrefixReluPoolNet.InputSize, total = layers.Sum(l => model.Layers[l].Size);
        var x = BruteForce.RandomVector(count * n, 12, 1.5);
        int[] targets = [2, 0, 1];
        var options = new IntegrationOptions { Steps = 8 };
        var a = new double[count * total];
        var b = new double[count * total];
        fast.LayerConductance(layers, x, targets, Baseline<double>.Zero, a, options);
        slow.LayerConductance(layers, x, targets, Baseline<double>.Zero, b, options);
        Check.Close(b, a, 1e-12, string.Join(",", layers));
        Assert.Contains(a, v => Math.Abs(v) > 1e-6);

        // The same engine afterwards, without the prefix: its passes read every map again.
        fast.UseAffinePrefix = false;
        fast.LayerConductance(layers, x, targets, Baseline<double>.Zero, a, options);
        Check.Close(b, a, 1e-12, string.Join(",", layers) + " after a prefix call");
    }
}
