using Axon.Attribution;
using Axon.Attribution.Backends;
using Axon.Model;

namespace Axon.Gpu.Tests;

/// <summary>
/// IG and layer conductance (tangent and difference forms) through <see cref="GpuPathBackend{T}"/> against the CPU
/// backend on the encoder block and the LSTM + GRU network: the layers that keep intermediates in the workspace's
/// scratch, across chunks of 7 rows (forward, backward and tangent passes interleaved on the same rows).
/// </summary>
[Collection(GpuCollection.Name)]
public sealed class SequenceAttributionParityTests(GpuDeviceFixture fixture)
{
    private const int Count = 3;
    private const double Tolerance = 1e-10;

    [Fact]
    public void EncoderBlockIgAndConductanceAtTheAttentionMatchCpu()
    {
        var model = new EncoderGpuNet();
        var network = fixture.Network(device => new EncoderGpuNetGpu(model, device));
        Compare(model, network, EncoderGpuNet.InputSize, [EncoderGpuNet.LayerIndex.attn]);
    }

    [Fact]
    public void RecurrentIgAndConductanceAtTheLstmAndGruMatchCpu()
    {
        var model = new RecurrentGpuNet();
        var network = fixture.Network(device => new RecurrentGpuNetGpu(model, device));
        Compare(model, network, RecurrentGpuNet.InputSize, [RecurrentGpuNet.LayerIndex.lstm, RecurrentGpuNet.LayerIndex.gru]);
    }

    private static void Compare(IDifferentiableModel<double> model, GpuNetwork<double> network, int inputSize, int[] layers)
    {
        var random = new Random(11);
        var parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++) parameters[i] = random.NextDouble() - 0.5;
        network.UploadParameters();
        using var backend = new GpuPathBackend<double>(network, capacity: 7);
        var cpu = new Attributor<double>(model, stepBatch: 5);
        var gpu = new Attributor<double>(backend);
        var inputs = new double[Count * inputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = 2 * random.NextDouble() - 1;

        var options = new IntegrationOptions { Steps = 6 };
        Same(inputSize, (engine, result, deltas) => engine.IntegratedGradients(inputs, 1, Baseline<double>.Zero, result, options, deltas), cpu, gpu);
        int total = layers.Sum(l => model.Layers[l].Size);
        Same(total, (engine, result, deltas) => engine.LayerConductance(layers, inputs, 0, Baseline<double>.Zero, result, options, deltas), cpu, gpu);
        var difference = new IntegrationOptions { Steps = 5, Rule = IntegrationRule.RiemannTrapezoid, PathForm = LayerPathForm.Difference };
        Same(total, (engine, result, deltas) => engine.LayerConductance(layers, inputs, 0, Baseline<double>.Zero, result, difference, deltas), cpu, gpu);
    }

    private delegate AttributionReport Method(Attributor<double> engine, Span<double> result, Span<double> deltas);

    private static void Same(int perInput, Method method, Attributor<double> cpu, Attributor<double> gpu)
    {
        var expected = new double[Count * perInput];
        var actual = new double[Count * perInput];
        var expectedDeltas = new double[Count];
        var actualDeltas = new double[Count];
        method(cpu, expected, expectedDeltas);
        method(gpu, actual, actualDeltas);
        double scale = Math.Max(1e-30, expected.Max(Math.Abs));
        Assert.Contains(expected, value => value != 0);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance * scale, $"attributions[{i}]: CPU {expected[i]}, GPU {actual[i]}");
        }

        for (int b = 0; b < Count; b++)
        {
            Assert.True(Math.Abs(expectedDeltas[b] - actualDeltas[b]) <= Tolerance * Math.Max(1, scale), $"delta of input {b}: CPU {expectedDeltas[b]}, GPU {actualDeltas[b]}");
        }
    }
}
