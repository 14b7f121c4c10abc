using Axon.Attribution;
using Axon.Attribution.Backends;
using Axon.Layers;

namespace Axon.Gpu.Tests;

/// <summary>A model with an image, a metadata vector and a fixed mask, packed into one input row.</summary>
[Differentiable(ElementType = ElementType.Double)]
public partial class MultiInputNet
{
    [Layer] private readonly Conv2d conv = new(1, 2, kernel: 3, padding: 1);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly Dense image_fc = new(18, 3);
    [Layer] private readonly Dense meta_fc = new(3, 3);
    [Layer] private readonly Sigmoid act = new();
    [Layer] private readonly Dense head = new(3, 2);

    private Tensor Forward([InputShape(1, 3, 3)] Tensor image, [InputShape(3)] Tensor meta, [InputShape(3), Fixed] Tensor mask)
        => head.Apply(act.Apply(image_fc.Apply(tanh.Apply(conv.Apply(image)).Flatten()) + meta_fc.Apply(meta * mask)));
}

[GpuModel(typeof(MultiInputNet))] public partial class MultiInputNetGpu;

/// <summary>
/// A several-input model through <see cref="GpuPathBackend{T}"/> against the CPU backend: the packed input is one input
/// node to the kernels, and the fixed input is kept fixed by the engine on both backends.
/// </summary>
[Collection(GpuCollection.Name)]
public sealed class MultiInputParityTests(GpuDeviceFixture fixture)
{
    [Fact]
    public void IntegratedGradientsAndConductanceMatchTheCpuBackend()
    {
        var model = new MultiInputNet();
        var random = new Random(11);
        var parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++) parameters[i] = random.NextDouble() - 0.5;
        var network = fixture.Network(device => new MultiInputNetGpu(model, device));
        network.UploadParameters();
        using var backend = new GpuPathBackend<double>(network, capacity: 7);
        var cpu = new Attributor<double>(model, stepBatch: 5);
        var gpu = new Attributor<double>(backend);

        int n = MultiInputNet.InputSize;
        var inputs = new double[2 * n];
        var baselines = new double[2 * n];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = 2 * random.NextDouble() - 1;
            baselines[i] = random.NextDouble() - 0.5;
        }

        var options = new IntegrationOptions { Steps = 12 };
        var expected = new double[2 * n];
        var actual = new double[2 * n];
        cpu.IntegratedGradients(inputs, 1, Baseline<double>.PerInput(baselines), expected, options);
        gpu.IntegratedGradients(inputs, 1, Baseline<double>.PerInput(baselines), actual, options);
        AssertClose(expected, actual);
        for (int row = 0; row < 2; row++) Assert.All(MultiInputNet.Inputs.mask.Of<double>(actual, row).ToArray(), v => Assert.Equal(0.0, v));

        var neuron = new double[2 * n];
        var neuronGpu = new double[2 * n];
        cpu.NeuronConductance(MultiInputNet.LayerIndex.act, 1, inputs, 1, Baseline<double>.PerInput(baselines), neuron, options);
        gpu.NeuronConductance(MultiInputNet.LayerIndex.act, 1, inputs, 1, Baseline<double>.PerInput(baselines), neuronGpu, options);
        AssertClose(neuron, neuronGpu);

        var layer = new double[2 * 3];
        var layerGpu = new double[2 * 3];
        cpu.LayerConductance(MultiInputNet.LayerIndex.act, inputs, 1, Baseline<double>.PerInput(baselines), layer, options);
        gpu.LayerConductance(MultiInputNet.LayerIndex.act, inputs, 1, Baseline<double>.PerInput(baselines), layerGpu, options);
        AssertClose(layer, layerGpu);
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-10, $"{i}: {expected[i]} vs {actual[i]}");
    }
}
