using System.Numerics;
using Axon.Model;

namespace Axon.Gpu.Tests;

/// <summary>
/// Every node of the test networks on the GPU backend against the generated CPU code: activations, the gradient
/// of every node and of every parameter, and tangents, in double (relative 1e-10) and float (relative 1e-4).
/// </summary>
[Collection(GpuCollection.Name)]
public sealed class NodeParityTests(GpuDeviceFixture fixture)
{
    private const int Batch = 3;

    [Fact]
    public void ConvNetMatchesCpu() => Compare(new ConvNet(), m => new ConvNetGpu(m, fixture.Device), 1e-10);

    [Fact]
    public void OverlappingPoolsMatchCpu() => Compare(new OverlapNet(), m => new OverlapNetGpu(m, fixture.Device), 1e-10);

    [Fact]
    public void ResidualConcatAndCustomActivationMatchCpu() => Compare(new ResidualNet(), m => new ResidualNetGpu(m, fixture.Device), 1e-10);

    [Fact]
    public void EmbeddingConv1dAndMaxOverTimeMatchCpu() => Compare(new TextNet(), m => new TextNetGpu(m, fixture.Device), 1e-10, tokens: 10);

    [Fact]
    public void ReshapeGlobalPoolAndSoftmaxMatchCpu() => Compare(new ShapesNet(), m => new ShapesNetGpu(m, fixture.Device), 1e-10);

    [Fact]
    public void SubtractionConstantFactorsGatingAndChannelsMatchCpu() => Compare(new OpsNet(), m => new OpsNetGpu(m, fixture.Device), 1e-10);

    [Fact]
    public void FloatFashionCnnFromAReferencedAssemblyMatchesCpu() =>
        Compare(new Axon.Samples.Fashion.FashionCnn(), m => new FashionCnnGpu(m, fixture.Device), 1e-4);

    [Fact]
    public void PaddedPoolsMatchCpu() => Compare(new PaddedPoolNet(), m => new PaddedPoolNetGpu(m, fixture.Device), 1e-10);

    [Fact]
    public void GroupedAndDepthwiseConvolutionsMatchCpu() => Compare(new GroupedConvNet(), m => new GroupedConvNetGpu(m, fixture.Device), 1e-10);

    [Fact]
    public void TransposedConvolutionAndUpsamplingMatchCpu() => Compare(new DecoderNet(), m => new DecoderNetGpu(m, fixture.Device), 1e-10);

    /// <param name="moveTokens">With token inputs, still push a random direction through them (a model that reads the ids as numbers too).</param>
    internal static void Compare<TModel, T>(TModel model, Func<TModel, GpuNetwork<T>> create, double tolerance, int tokens = 0, bool moveTokens = false)
        where TModel : IDifferentiableModel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(12345);
        var parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++) parameters[i] = T.CreateChecked(random.NextDouble() - 0.5);
        MakeRunningVariancesPositive(model, random);

        using var gpu = create(model);
        var layers = model.Layers;
        int last = layers.Count - 1;
        var input = new T[Batch * model.InputSize];
        for (int i = 0; i < input.Length; i++) input[i] = tokens > 0 ? T.CreateChecked(random.Next(tokens)) : T.CreateChecked(2 * random.NextDouble() - 1);
        var seed = Random<T>(random, Batch * model.OutputSize);
        var direction = Random<T>(random, Batch * model.InputSize);
        if (tokens > 0 && !moveTokens) Array.Clear(direction);

        var cpu = model.CreateWorkspace(Batch);
        var output = new T[Batch * model.OutputSize];
        model.Forward(cpu, input, Batch, output);
        var cpuParameterGradient = new T[parameters.Length];
        model.Backward(cpu, seed, Batch, 0, cpuParameterGradient);
        model.Tangent(cpu, direction, Batch);

        using var ws = gpu.CreateWorkspace(Batch + 2);
        ws.Activation(0, Batch).CopyFromCPU(new ReadOnlySpan<T>(input));
        gpu.Forward(ws, Batch);
        ws.Gradient(last, Batch).CopyFromCPU(new ReadOnlySpan<T>(seed));
        gpu.ClearParameterGradients();
        gpu.Backward(ws, last, Batch, 0, parameterGradients: true);
        ws.Tangent(0, Batch).CopyFromCPU(new ReadOnlySpan<T>(direction));
        gpu.Tangent(ws, Batch);
        gpu.Synchronize();

        for (int layer = 0; layer <= last; layer++)
        {
            string name = $"{layers[layer].Name} ({layers[layer].Kind})";
            AssertClose(cpu.Activation(layer), Read(ws.Activation(layer, Batch)), tolerance, "activation of " + name);
            if (layer > 0 || tokens == 0) AssertClose(cpu.Gradient(layer), Read(ws.Gradient(layer, Batch)), tolerance, "gradient of " + name);
            AssertClose(cpu.Tangent(layer), Read(ws.Tangent(layer, Batch)), tolerance, "tangent of " + name);
        }

        var gpuParameterGradient = new T[parameters.Length];
        gpu.ReadParameterGradients(gpuParameterGradient);
        foreach (var tensor in model.ParameterTensors)
        {
            if (!tensor.Trainable) continue;
            AssertClose(cpuParameterGradient.AsSpan(tensor.Offset, tensor.Length), gpuParameterGradient.AsSpan(tensor.Offset, tensor.Length), tolerance, "gradient of " + tensor.Name);
        }

        // A reverse pass seeded inside the network, stopping above the input (neuron conductance's second pass).
        int middle = last / 2, stop = Math.Max(1, middle / 2);
        var layerSeed = Random<T>(random, Batch * layers[middle].Size);
        model.BackwardFrom(cpu, middle, layerSeed, Batch, stop);
        ws.Gradient(middle, Batch).CopyFromCPU(new ReadOnlySpan<T>(layerSeed));
        gpu.Backward(ws, middle, Batch, stop);
        gpu.Synchronize();
        for (int layer = stop; layer <= middle; layer++)
        {
            AssertClose(cpu.Gradient(layer), Read(ws.Gradient(layer, Batch)), tolerance, $"gradient of {layers[layer].Name} seeded at {layers[middle].Name}");
        }
    }

    private static void MakeRunningVariancesPositive<T>(IDifferentiableModel<T> model, Random random) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (var tensor in model.ParameterTensors)
        {
            if (!tensor.Name.EndsWith("running_var", StringComparison.Ordinal)) continue;
            var values = model.Parameters.Slice(tensor.Offset, tensor.Length);
            for (int i = 0; i < values.Length; i++) values[i] = T.CreateChecked(0.5 + random.NextDouble());
        }
    }

    private static T[] Random<T>(Random random, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[length];
        for (int i = 0; i < length; i++) values[i] = T.CreateChecked(2 * random.NextDouble() - 1);
        return values;
    }

    private static T[] Read<T>(ArrayView<T> view) where T : unmanaged
    {
        var values = new T[view.Length];
        view.CopyToCPU(new Span<T>(values));
        return values;
    }

    private static void AssertClose<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, double tolerance, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 1e-30;
        foreach (var value in expected) scale = Math.Max(scale, Math.Abs(double.CreateChecked(value)));
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(double.CreateChecked(expected[i]) - double.CreateChecked(actual[i]));
            Assert.True(error <= tolerance * scale, $"{what}[{i}]: CPU {expected[i]}, GPU {actual[i]} (error {error:G3}, allowed {tolerance * scale:G3})");
        }
    }
}
