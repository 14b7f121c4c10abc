using Axon.Attribution;
using Axon.Attribution.Backends;
using Axon.Model;

namespace Axon.Gpu.Tests;

/// <summary>
/// Every path method through <see cref="GpuPathBackend{T}"/> against the CPU backend, same inputs and options:
/// results, convergence deltas and the adaptive mode's step counts. The GPU chunks hold 7 rows, so paths cross
/// chunk boundaries (the difference form's carry) and inputs share chunks (the per-input reductions).
/// </summary>
[Collection(GpuCollection.Name)]
public sealed class AttributionParityTests(GpuDeviceFixture fixture)
{
    private const int Count = 3;
    private const double Tolerance = 1e-10;

    private sealed class Pair : IDisposable
    {
        public required Attributor<double> Cpu { get; init; }
        public required Attributor<double> Gpu { get; init; }
        public required GpuPathBackend<double> Backend { get; init; }
        public required double[] Inputs { get; init; }
        public required double[] Baselines { get; init; }
        public required int InputSize { get; init; }

        public void Dispose() => Backend.Dispose();
    }

    private Pair ConvPair()
    {
        var model = new ConvNet();
        var random = new Random(7);
        var parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++) parameters[i] = random.NextDouble() - 0.5;
        foreach (var tensor in model.ParameterTensors)
        {
            if (tensor.Name.EndsWith("running_var", StringComparison.Ordinal)) parameters.Slice(tensor.Offset, tensor.Length).Fill(1.3);
        }

        var network = fixture.Network(device => new ConvNetGpu(model, device));
        network.UploadParameters();
        var backend = new GpuPathBackend<double>(network, capacity: 7);
        return new Pair
        {
            Cpu = new Attributor<double>(model, stepBatch: 5),
            Gpu = new Attributor<double>(backend),
            Backend = backend,
            Inputs = Values(random, Count * ConvNet.InputSize),
            Baselines = Values(random, 4 * ConvNet.InputSize),
            InputSize = ConvNet.InputSize,
        };
    }

    private static double[] Values(Random random, int length)
    {
        var values = new double[length];
        for (int i = 0; i < length; i++) values[i] = 2 * random.NextDouble() - 1;
        return values;
    }

    [Fact]
    public void IntegratedGradientsWithEveryBaselineKind()
    {
        using var p = ConvPair();
        var options = new IntegrationOptions { Steps = 9 };
        CompareBoth(p, p.InputSize, (engine, result, deltas) => engine.IntegratedGradients(p.Inputs, 2, Baseline<double>.Zero, result, options, deltas));
        CompareBoth(p, p.InputSize, (engine, result, deltas) => engine.IntegratedGradients(p.Inputs, 1, Baseline<double>.Shared(p.Baselines.AsSpan(0, p.InputSize)), result, options, deltas));
        CompareBoth(p, p.InputSize, (engine, result, deltas) => engine.IntegratedGradients(p.Inputs, new[] { 0, 3, 1 }, Baseline<double>.PerInput(p.Baselines.AsSpan(0, Count * p.InputSize)), result, options, deltas));
        CompareBoth(p, p.InputSize, (engine, result, deltas) => engine.IntegratedGradients(p.Inputs, 2, Baseline<double>.Distribution(p.Baselines, samples: 3, seed: 5), result, options, deltas));
    }

    [Fact]
    public void LayerConductanceTangentAndDifferenceForms()
    {
        using var p = ConvPair();
        var model = (IDifferentiableModel<double>)p.Cpu.Model;
        int[] layers = [ConvNet.LayerIndex.gelu, ConvNet.LayerIndex.leaky, ConvNet.LayerIndex.fc];
        int total = layers.Sum(l => model.Layers[l].Size);
        CompareBoth(p, total, (engine, result, deltas) => engine.LayerConductance(layers, p.Inputs, 1, Baseline<double>.Shared(p.Baselines.AsSpan(0, p.InputSize)), result, new IntegrationOptions { Steps = 8 }, deltas));
        CompareBoth(p, total, (engine, result, deltas) => engine.LayerConductance(layers, p.Inputs, 1, Baseline<double>.Shared(p.Baselines.AsSpan(0, p.InputSize)),
            result, new IntegrationOptions { Steps = 8, Rule = IntegrationRule.RiemannTrapezoid, PathForm = LayerPathForm.Difference }, deltas));
        CompareBoth(p, total, (engine, result, deltas) => engine.LayerConductance(layers, p.Inputs, 1, Baseline<double>.Shared(p.Baselines.AsSpan(0, p.InputSize)),
            result, new IntegrationOptions { Steps = 6, Rule = IntegrationRule.RiemannLeft, PathForm = LayerPathForm.Difference }, deltas));
    }

    [Fact]
    public void NeuronConductancePatchIgAndInternalInfluence()
    {
        using var p = ConvPair();
        var model = (IDifferentiableModel<double>)p.Cpu.Model;
        int layer = ConvNet.LayerIndex.pool1, width = model.Layers[layer].Size;
        var options = new IntegrationOptions { Steps = 7 };
        CompareBoth(p, p.InputSize, (engine, result, deltas) => engine.NeuronConductance(layer, [3, 17, 40], p.Inputs, 0, Baseline<double>.Zero, result, options, deltas));
        InputRegion[] regions = [InputRegion.Rectangle(0, 0, 4, 4), InputRegion.Rectangle(3, 2, 5, 6)];
        CompareBoth(p, regions.Length * width, (engine, result, deltas) => engine.PatchIntegratedGradients(layer, regions, p.Inputs, 3, Baseline<double>.Zero, result, options, deltas));
        CompareBoth(p, model.Layers[ConvNet.LayerIndex.bn].Size, (engine, result, deltas) => engine.InternalInfluence(ConvNet.LayerIndex.bn, p.Inputs, 3, Baseline<double>.Zero, result, options, deltas));
    }

    [Fact]
    public void TheAdaptiveModeTakesTheSameStepsOnBothBackends()
    {
        using var p = ConvPair();
        var options = new IntegrationOptions { Steps = 4, Tolerance = 1e-6, MaxSteps = 64 };
        var reports = CompareBoth(p, p.InputSize, (engine, result, deltas) => engine.IntegratedGradients(p.Inputs, 2, Baseline<double>.Zero, result, options, deltas));
        Assert.Equal(reports.Cpu.Steps, reports.Gpu.Steps);
        Assert.Equal(reports.Cpu.Converged, reports.Gpu.Converged);
        Assert.True(reports.Cpu.Steps > 4, "the tolerance should need more than the first steps");
    }

    private delegate AttributionReport Method(Attributor<double> engine, Span<double> result, Span<double> deltas);

    private static (AttributionReport Cpu, AttributionReport Gpu) CompareBoth(Pair p, int perInput, Method method)
    {
        var expected = new double[Count * perInput];
        var actual = new double[Count * perInput];
        var expectedDeltas = new double[Count];
        var actualDeltas = new double[Count];
        var cpu = method(p.Cpu, expected, expectedDeltas);
        var gpu = method(p.Gpu, actual, actualDeltas);
        Assert.Equal(cpu.Steps, gpu.Steps);
        Assert.Equal(cpu.Evaluations > 0, gpu.Evaluations > 0);
        AssertClose(expected, actual, "attributions");
        double scale = expected.Max(Math.Abs);
        for (int b = 0; b < Count; b++)
        {
            Assert.True(Math.Abs(expectedDeltas[b] - actualDeltas[b]) <= Tolerance * Math.Max(1, scale),
                $"delta of input {b}: CPU {expectedDeltas[b]}, GPU {actualDeltas[b]}");
        }

        return (cpu, gpu);
    }

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        double scale = Math.Max(1e-30, expected.Max(Math.Abs));
        Assert.Contains(expected, value => value != 0);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance * scale, $"{what}[{i}]: CPU {expected[i]}, GPU {actual[i]}");
        }
    }
}
