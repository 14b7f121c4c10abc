using Axon;
using Axon.Attribution.Backends;
using Axon.Layers;
using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>Max pooling before its ReLU, then a strided, padded convolution: the selecting layers in the other order.</summary>
[Differentiable(ElementType = ElementType.Double), InputShape(1, 8, 8)]
public partial class PoolReluStrideNet
{
    [Layer] private readonly Conv2d conv1 = new(1, 2, kernel: 3, padding: 1);
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly Conv2d conv2 = new(2, 3, kernel: 3, stride: 2, padding: 1);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(12, 3);
}

/// <summary>An MLP: the ReLU after the first dense layer selects, the second dense layer is L.</summary>
[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class ReluMlpNet
{
    [Layer] private readonly Dense fc1 = new(6, 8);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly Dense fc2 = new(8, 5);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly Dense fc3 = new(5, 3);
}

/// <summary>A leaky ReLU does not select (its output is never a winner's value or zero): no pattern tracking.</summary>
[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class LeakyMlpNet
{
    [Layer] private readonly Dense fc1 = new(6, 8);
    [Layer] private readonly LeakyReLU relu1 = new(0.1);
    [Layer] private readonly Dense fc2 = new(8, 3);
}

/// <summary>
/// The pattern-tracking path (the windows between the affine prefix and the next linear layer followed along each path,
/// that layer's output and tangent updated only where a winner changed) against the passes it replaces: the same results
/// to rounding in double for IG and layer conductance at every layer, with every rule, baseline kind and batch split;
/// ties inside pooling windows broken as the pooling breaks them; and no tracking where it would be wrong.
/// </summary>
public sealed class PatternTrackingTests
{
    private static TModel Randomized<TModel>(TModel model, int seed, double shift = 0.45) where TModel : IDifferentiableModel<double>
    {
        var random = new Random(seed);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = random.NextDouble() - shift;
        return model;
    }

    [Fact]
    public void ThePlanFindsTheLinearLayerAfterTheSelectingLayers()
    {
        Assert.Equal(4, new Attributor<double>(new PrefixReluPoolNet()).PatternLayer);
        Assert.Equal(4, new Attributor<double>(new PoolReluStrideNet()).PatternLayer);
        Assert.Equal(3, new Attributor<double>(new ReluMlpNet()).PatternLayer);
        Assert.Equal(0, new Attributor<double>(new LeakyMlpNet()).PatternLayer);
        Assert.Equal(0, new Attributor<double>(new HandModel<double>(5, 5, 2, HandModel<double>.Act.Tanh)).PatternLayer);
    }

    [Fact]
    public void EveryPathMethodAtEveryLayerIsTheStepByStepResult()
    {
        AffinePrefixTests.AssertSameWithAndWithoutPrefix(Randomized(new PoolReluStrideNet(), 3), expectedPrefix: 1, seed: 5);
        AffinePrefixTests.AssertSameWithAndWithoutPrefix(Randomized(new ReluMlpNet(), 4), expectedPrefix: 1, seed: 6);
    }

    public static TheoryData<IntegrationRule, int> Rules => new()
    {
        { IntegrationRule.GaussLegendre, 12 },
        { IntegrationRule.RiemannTrapezoid, 9 },
        { IntegrationRule.RiemannLeft, 10 },
        { IntegrationRule.RiemannMiddle, 13 },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void TrackingOnAndOffAgreeOnIgAndALayerListAcrossBatchesAndLanes(IntegrationRule rule, int steps)
    {
        var model = Randomized(new PrefixReluPoolNet(), 17);
        const int count = 5;
        int n = PrefixReluPoolNet.InputSize;
        int[] layers = [0, 1, 4, 5, 8];
        int total = layers.Sum(l => model.Layers[l].Size);
        var x = BruteForce.RandomVector(count * n, 21, 1.5);
        var set = BruteForce.RandomVector(3 * n, 22, 0.5);
        int[] targets = [2, 0, 1, 1, 2];
        var options = new IntegrationOptions { Rule = rule, Steps = steps };
        foreach (var lanes in new[] { 1, 2 })
        {
            // stepBatch 7: a path's steps are split over step batches, so its windows' state carries over between them.
            var tracked = new Attributor<double>(model, stepBatch: 7) { InputLanes = lanes };
            var passes = new Attributor<double>(model, stepBatch: 7) { InputLanes = lanes, UsePatternTracking = false };
            foreach (var name in new[] { "zero", "distribution" })
            {
                var baseline = name == "zero" ? Baseline<double>.Zero : Baseline<double>.Distribution(set, 2, seed: 3);
                var a = new double[count * total];
                var b = new double[count * total];
                var ga = new double[count * layers.Length];
                var gb = new double[count * layers.Length];
                tracked.LayerConductance(layers, x, targets, baseline, a, options, completenessGaps: ga);
                passes.LayerConductance(layers, x, targets, baseline, b, options, completenessGaps: gb);
                Check.Close(b, a, 1e-12, $"{rule} {name} lanes {lanes}");
                Check.Close(gb, ga, 1e-11, $"{rule} {name} lanes {lanes} gaps");
                Assert.Contains(a, v => Math.Abs(v) > 1e-3);

                var ia = new double[count * n];
                var ib = new double[count * n];
                tracked.IntegratedGradients(x, targets, baseline, ia, options);
                passes.IntegratedGradients(x, targets, baseline, ib, options);
                Check.Close(ib, ia, 1e-12, $"{rule} {name} lanes {lanes} IG");
            }
        }
    }

    [Fact]
    public void TiesInsideAPoolingWindowAreBrokenAsThePoolingBreaksThem()
    {
        // Flat regions of the input give the first convolution equal outputs across whole pooling windows, at every α:
        // the first element of the window wins, in the pooling kernel and in the tracked windows alike.
        var model = Randomized(new PrefixReluPoolNet(), 29, shift: 0.3);
        const int count = 2;
        int n = PrefixReluPoolNet.InputSize;
        var x = new double[count * n];
        for (int i = 0; i < n; i++) x[i] = i < 32 ? 0.75 : 0.25;
        for (int i = 0; i < n; i++) x[n + i] = (i % 8) < 4 ? 1.0 : -0.5;
        int[] layers = [0, 4, 5];
        int total = layers.Sum(l => model.Layers[l].Size);
        var options = new IntegrationOptions { Steps = 16 };
        var a = new double[count * total];
        var b = new double[count * total];
        int[] targets = [0, 2];
        new Attributor<double>(model, stepBatch: 5).LayerConductance(layers, x, targets, Baseline<double>.Zero, a, options);
        new Attributor<double>(model, stepBatch: 5) { UsePatternTracking = false }.LayerConductance(layers, x, targets, Baseline<double>.Zero, b, options);
        Check.Close(b, a, 1e-12, "flat input");
        Assert.Contains(a, v => Math.Abs(v) > 1e-3);
    }

    [Fact]
    public void AnInterventionOnASelectingLayerTurnsTrackingOff()
    {
        // The tracked path never runs relu1 or pool1: a tap there must send the call to the passes, which apply it.
        var model = Randomized(new PrefixReluPoolNet(), 37);
        int n = PrefixReluPoolNet.InputSize, pool1 = 3, size = model.Layers[pool1].Size;
        var x = BruteForce.RandomVector(n, 38, 1.5);
        var mask = new bool[size];
        for (int i = 0; i < size; i += 3) mask[i] = true;
        var values = new double[size];
        var tracked = new Attributor<double>(model, stepBatch: 7);
        var passes = new Attributor<double>(model, stepBatch: 7) { UsePatternTracking = false };
        foreach (var engine in new[] { tracked, passes }) ((CpuPathBackend<double>)engine.Backend).Workspace.SetIntervention(pool1, mask, values);
        var a = new double[n];
        var b = new double[n];
        var unchanged = new double[n];
        int[] target = [1];
        tracked.IntegratedGradients(x, target, Baseline<double>.Zero, a);
        passes.IntegratedGradients(x, target, Baseline<double>.Zero, b);
        new Attributor<double>(model, stepBatch: 7).IntegratedGradients(x, target, Baseline<double>.Zero, unchanged);
        Check.Close(b, a, 1e-12, "with a tap on pool1");
        Assert.True(Enumerable.Range(0, n).Max(i => Math.Abs(a[i] - unchanged[i])) > 1e-6, "the tap changed nothing: the test would not see tracking ignore it");
    }

    [Theory]
    [InlineData(new[] { 5 }, false)]
    [InlineData(new[] { 0, 5 }, false)]
    [InlineData(new[] { 5, 4 }, false)]
    [InlineData(new[] { 4, 5, 8 }, false)]
    [InlineData(new[] { 0, 5 }, true)]
    public void TheReluOfTheLinearLayerTakesItsConductanceFromThatLayersMaps(int[] layers, bool tapOnRelu)
    {
        // relu2 reads conv2 (L) alone: its conductance is conv2's gradient times U, with no tangent pass and no map of its
        // own. With a tap on relu2 the tracked path runs the tangent pass from L instead, and agrees too.
        var model = Randomized(new PrefixReluPoolNet(), 43);
        const int count = 3, relu2 = 5;
        int n = PrefixReluPoolNet.InputSize, total = layers.Sum(l => model.Layers[l].Size);
        var x = BruteForce.RandomVector(count * n, 44, 1.5);
        int[] targets = [1, 2, 0];
        var tracked = new Attributor<double>(model, stepBatch: 6) { InputLanes = 1 };
        var passes = new Attributor<double>(model, stepBatch: 6) { InputLanes = 1, UsePatternTracking = false };
        if (tapOnRelu)
        {
            var mask = new bool[model.Layers[relu2].Size];
            for (int i = 0; i < mask.Length; i += 4) mask[i] = true;
            var values = new double[mask.Length];
            foreach (var engine in new[] { tracked, passes }) ((CpuPathBackend<double>)engine.Backend).Workspace.SetIntervention(relu2, mask, values, InterventionKind.Replace);
        }

        var a = new double[count * total];
        var b = new double[count * total];
        var ga = new double[count * layers.Length];
        var gb = new double[count * layers.Length];
        tracked.LayerConductance(layers, x, targets, Baseline<double>.Zero, a, new IntegrationOptions { Steps = 14 }, completenessGaps: ga);
        passes.LayerConductance(layers, x, targets, Baseline<double>.Zero, b, new IntegrationOptions { Steps = 14 }, completenessGaps: gb);
        Check.Close(b, a, 1e-12, string.Join(",", layers) + (tapOnRelu ? " tapped" : ""));
        Check.Close(gb, ga, 1e-11, "gaps");
        Assert.Contains(a, v => Math.Abs(v) > 1e-3);
    }

    [Theory]
    [InlineData(4, 1)]
    [InlineData(5, 2)]
    public void PatchIgAtTheLinearLayerAndItsReluIsThePassesResult(int layer, int lanes)
    {
        // Eight regions of 4×2 pixels with stepBatch 5: the regions' changes and first U_S come in several chunks, and
        // paths cross step batches. A distribution baseline gives two paths per input.
        var model = Randomized(new PrefixReluPoolNet(), 47);
        const int count = 3, regions = 8;
        int n = PrefixReluPoolNet.InputSize, width = model.Layers[layer].Size;
        var x = BruteForce.RandomVector(count * n, 48, 1.5);
        var set = BruteForce.RandomVector(3 * n, 49, 0.5);
        var areas = new InputRegion[regions];
        for (int r = 0; r < regions; r++) areas[r] = InputRegion.Rectangle(r / 2 * 2, r % 2 * 4, 2, 4);
        int[] targets = [2, 1, 0];
        var options = new IntegrationOptions { Steps = 11 };
        var tracked = new Attributor<double>(model, stepBatch: 5) { InputLanes = lanes };
        var passes = new Attributor<double>(model, stepBatch: 5) { InputLanes = lanes, UsePatternTracking = false };
        var a = new double[count * regions * width];
        var b = new double[count * regions * width];
        var da = new double[count];
        var db = new double[count];
        tracked.PatchIntegratedGradients(layer, areas, x, targets, Baseline<double>.Distribution(set, 2, seed: 5), a, options, da);
        passes.PatchIntegratedGradients(layer, areas, x, targets, Baseline<double>.Distribution(set, 2, seed: 5), b, options, db);
        Check.Close(b, a, 1e-12, $"patch at {layer}");
        Check.Close(db, da, 1e-11, "deltas");
        Assert.Contains(a, v => Math.Abs(v) > 1e-3);
    }

    [Fact]
    public void ConductanceAtTheSelectingLayersRunsThePasses()
    {
        // relu1 and pool1 have no maps on the tracked path: a list naming one of them takes the passes, and gets them right.
        var model = Randomized(new PrefixReluPoolNet(), 41);
        int n = PrefixReluPoolNet.InputSize;
        int[] layers = [3, 0, 5];
        int total = layers.Sum(l => model.Layers[l].Size);
        var x = BruteForce.RandomVector(2 * n, 42, 1.5);
        var a = new double[2 * total];
        var b = new double[2 * total];
        int[] targets = [0, 1];
        new Attributor<double>(model).LayerConductance(layers, x, targets, Baseline<double>.Zero, a);
        new Attributor<double>(model) { UseAffinePrefix = false }.LayerConductance(layers, x, targets, Baseline<double>.Zero, b);
        Check.Close(b, a, 1e-12, "pool1 listed");
    }
}

[Collection(nameof(AllocationTests))]
public class PatternTrackingAllocationTests
{
    [Fact]
    public void TrackedCallsAllocateNothingInSteadyState()
    {
        var model = new PrefixReluPoolNet();
        var random = new Random(53);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = random.NextDouble() - 0.45;
        var engine = new Attributor<double>(model, stepBatch: 7);
        Assert.Equal(4, engine.PatternLayer);
        const int count = 4;
        int n = PrefixReluPoolNet.InputSize, relu2 = 5;
        int[] layers = [0, relu2];
        int total = layers.Sum(l => model.Layers[l].Size);
        var x = BruteForce.RandomVector(count * n, 54, 1.5);
        int[] targets = [0, 1, 2, 0];
        InputRegion[] regions = [InputRegion.Rectangle(0, 0, 4, 8), InputRegion.Rectangle(4, 0, 4, 8)];
        var ig = new double[count * n];
        var conductance = new double[count * total];
        var patch = new double[count * regions.Length * model.Layers[relu2].Size];
        var errors = new double[count];
        var options = new IntegrationOptions { Steps = 12 };

        void Run()
        {
            engine.IntegratedGradients(x, targets, Baseline<double>.Zero, ig, options, errors);
            engine.LayerConductance(layers, x, targets, Baseline<double>.Zero, conductance, options, errors);
            engine.PatchIntegratedGradients(relu2, regions, x, targets, Baseline<double>.Zero, patch, options, errors);
        }

        Run();
        Allocations.AssertNone(Run);
    }
}
