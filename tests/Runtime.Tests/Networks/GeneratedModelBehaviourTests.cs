using Axon.Samples.Fashion;
using Axon.Layers;
using Axon.Model;

namespace Axon.Runtime.Tests.Networks;

/// <summary>What the generated API promises beyond derivatives: the catalogue, taps, bad input and allocations.</summary>
public sealed class GeneratedModelBehaviourTests
{
    private static float[] RandomImages(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count * FashionCnn.InputSize).Select(_ => (float)random.NextDouble()).ToArray();
    }

    [Fact]
    public void The_catalogue_lists_every_node_with_shape_offset_and_cuts()
    {
        var model = new FashionCnn();
        var layers = model.Layers;
        Assert.Equal(new[] { "input", "conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten", "fc1", "relu3", "fc2" }, layers.Select(l => l.Name));
        Assert.Equal(new[] { LayerKind.Input, LayerKind.Conv2d, LayerKind.ReLU, LayerKind.MaxPool2d, LayerKind.Conv2d, LayerKind.ReLU, LayerKind.MaxPool2d, LayerKind.Flatten, LayerKind.Dense, LayerKind.ReLU, LayerKind.Dense }, layers.Select(l => l.Kind));
        Assert.Equal(new[] { 8, 28, 28 }, layers[FashionCnn.LayerIndex.conv1].Shape);
        Assert.Equal(new[] { 16, 7, 7 }, layers[FashionCnn.LayerIndex.pool2].Shape);
        Assert.Equal(784, layers[FashionCnn.LayerIndex.conv1].Offset);
        Assert.All(layers, l => Assert.True(l.IsCut));
        Assert.Equal(10, FashionCnn.OutputSize);
        Assert.Equal(8 * 9 + 8 + 16 * 72 + 16 + 784 * 64 + 64 + 640 + 10, FashionCnn.ParameterCount);
        Assert.Equal(new[] { "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" }, model.ParameterTensors.Select(p => p.Name));

        var residual = new ResidualNet();
        var cuts = residual.Layers.Where(l => l.IsCut).Select(l => l.Name).ToArray();
        Assert.Equal(new[] { "input", "concat1", "head" }, cuts);
    }

    [Fact]
    public void Float_and_double_twins_agree()
    {
        var single = new FashionCnn();
        var twin = new FashionCnnDouble();
        for (int i = 0; i < single.Parameters.Length; i++) twin.Parameters[i] = single.Parameters[i];
        var images = RandomImages(4, 1);
        var ws = single.CreateWorkspace(4);
        var wsd = twin.CreateWorkspace(4);
        var output = new float[40];
        var outputD = new double[40];
        single.Forward(ws, images, 4, output);
        twin.Forward(wsd, images.Select(v => (double)v).ToArray(), 4, outputD);
        for (int i = 0; i < 40; i++) Assert.Equal(outputD[i], output[i], 1e-4);

        var seed = Enumerable.Range(0, 40).Select(i => (float)Math.Sin(i)).ToArray();
        single.Backward(ws, seed, 4);
        twin.Backward(wsd, seed.Select(v => (double)v).ToArray(), 4);
        var g = ws.Gradient(0);
        var gd = wsd.Gradient(0);
        double scale = gd.ToArray().Max(Math.Abs);
        for (int i = 0; i < g.Length; i++) Assert.True(Math.Abs(g[i] - gd[i]) <= 1e-4 * scale, $"input gradient {i}: {g[i]} vs {gd[i]}");
    }

    [Fact]
    public void Bad_input_is_rejected_with_a_clear_message_and_the_model_stays_usable()
    {
        var model = new FashionCnn();
        var ws = model.CreateWorkspace(2);
        var images = RandomImages(2, 3);
        var output = new float[20];
        model.Forward(ws, images, 2, output);
        var expected = output.ToArray();
        var parameters = model.Parameters.ToArray();

        var tooShort = Assert.Throws<ArgumentException>(() => model.Forward(ws, images.AsSpan(0, 700), 1, new float[10]));
        Assert.Contains("784", tooShort.Message);
        Assert.Throws<ArgumentException>(() => model.Forward(ws, images, 2, new float[19]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(ws, RandomImages(3, 1), 3, new float[30]));

        var poisoned = images.ToArray();
        poisoned[784 + 5] = float.NaN;
        var nan = Assert.Throws<ArgumentException>(() => model.Forward(ws, poisoned, 2, output));
        Assert.Contains("sample 1, element 5", nan.Message);

        // The tape of the last good forward survives a rejected call.
        Assert.Equal(2, ws.Batch);
        Assert.Throws<ArgumentException>(() => model.Backward(ws, new float[10], 1));
        Assert.Throws<ArgumentException>(() => model.Backward(ws, new float[21], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Backward(ws, new float[20], 2, stopAtLayer: 99));
        Assert.Throws<ArgumentException>(() => model.Backward(ws, new float[20], 2, stopAtLayer: 1, parameterGradient: new float[FashionCnn.ParameterCount]));
        Assert.Throws<ArgumentException>(() => model.Tangent(ws, new float[10], 2));
        Assert.Throws<InvalidOperationException>(() => model.Backward(model.CreateWorkspace(2), new float[20], 2));

        Assert.Equal(parameters, model.Parameters.ToArray());
        model.Forward(ws, images, 2, output);
        Assert.Equal(expected, output);
    }

    [Fact]
    public void Replacing_neurons_equals_running_onward_from_the_edited_activation_and_blocks_their_gradient()
    {
        var model = new ConvNetForTaps();
        var ws = model.CreateWorkspace(2);
        var random = new Random(4);
        var input = Enumerable.Range(0, 2 * ConvNetForTaps.InputSize).Select(_ => random.NextDouble()).ToArray();
        var output = new double[2 * ConvNetForTaps.OutputSize];
        int layer = ConvNetForTaps.LayerIndex.relu1;
        int size = model.Layers[layer].Size;

        model.Forward(ws, input, 2, output);
        var edited = ws.Activation(layer).ToArray();
        var mask = new bool[size];
        var values = new double[size];
        for (int i = 0; i < size; i += 7)
        {
            mask[i] = true;
            values[i] = 0.25;
            edited[i] = 0.25;
            edited[size + i] = 0.25;
        }

        ws.SetIntervention(layer, mask, values);
        var tapped = new double[output.Length];
        model.Forward(ws, input, 2, tapped);

        var onward = new double[output.Length];
        var plain = model.CreateWorkspace(2);
        model.ForwardFrom(plain, layer, edited, 2, onward);
        for (int i = 0; i < output.Length; i++) Assert.Equal(onward[i], tapped[i], 12);

        model.Backward(ws, Enumerable.Repeat(1.0, output.Length).ToArray(), 2, stopAtLayer: 0);
        var gradient = ws.Gradient(layer);
        for (int i = 0; i < size; i += 7)
        {
            Assert.Equal(0.0, gradient[i]);
            Assert.Equal(0.0, gradient[size + i]);
        }

        ws.ClearInterventions();
        var again = new double[output.Length];
        model.Forward(ws, input, 2, again);
        Assert.Equal(output, again);
    }

    [Fact]
    public void Clamping_bounds_activations_and_passes_gradients_where_the_bound_is_inactive()
    {
        var model = new ConvNetForTaps();
        var ws = model.CreateWorkspace(1);
        var random = new Random(8);
        var input = Enumerable.Range(0, ConvNetForTaps.InputSize).Select(_ => random.NextDouble()).ToArray();
        var output = new double[ConvNetForTaps.OutputSize];
        int layer = ConvNetForTaps.LayerIndex.relu1;
        int size = model.Layers[layer].Size;
        model.Forward(ws, input, 1, output);
        var before = ws.Activation(layer).ToArray();
        double cap = before.OrderBy(v => v).ElementAt(size / 2);
        ws.SetIntervention(layer, Enumerable.Repeat(true, size).ToArray(), Enumerable.Repeat(cap, size).ToArray(), InterventionKind.ClampAbove);
        model.Forward(ws, input, 1, output);
        var after = ws.Activation(layer).ToArray();
        for (int i = 0; i < size; i++) Assert.Equal(Math.Min(before[i], cap), after[i]);
        model.Backward(ws, Enumerable.Repeat(1.0, output.Length).ToArray(), 1);
        var g = ws.Gradient(layer).ToArray();
        Assert.Contains(g, v => v != 0);
        for (int i = 0; i < size; i++)
        {
            if (before[i] > cap) Assert.Equal(0.0, g[i]);
        }

        Assert.Throws<ArgumentException>(() => ws.SetIntervention(layer, new bool[size - 1], new double[size]));
        Assert.Throws<ArgumentException>(() => ws.SetIntervention(layer, new bool[size], new double[size + 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ws.SetIntervention(99, new bool[size], new double[size]));
    }

    [Fact]
    public void ForwardFrom_rejects_a_layer_that_is_not_a_cut()
    {
        var model = new ResidualNet();
        var ws = model.CreateWorkspace(1);
        var error = Assert.Throws<ArgumentException>(() => model.ForwardFrom(ws, 1, new double[5], 1, new double[3]));
        Assert.Contains("not crossed by every path", error.Message);
    }

    [Fact]
    public void BackwardFrom_an_inner_neuron_gives_that_neurons_input_gradient()
    {
        var model = GeneratedNetworkGradientTests.Create(nameof(DenseNet), 3);
        var ws = model.CreateWorkspace(1);
        var x = new[] { 0.1, -0.3, 0.5, 0.2, -0.7, 0.9 };
        model.Forward(ws, x, 1, new double[3]);
        int layer = 2; // tanh1, 8 neurons
        var seed = new double[8];
        seed[5] = 1;
        model.BackwardFrom(ws, layer, seed, 1);
        var analytic = ws.Gradient(0).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            double Neuron(double delta)
            {
                var w = model.CreateWorkspace(1);
                var xi = x.ToArray();
                xi[i] += delta;
                model.Forward(w, xi, 1, new double[3]);
                return w.Activation(layer)[5];
            }

            double numeric = (Neuron(GradientCheck.Step) - Neuron(-GradientCheck.Step)) / (2 * GradientCheck.Step);
            Assert.True(GradientCheck.Relative(analytic[i], numeric) < GradientCheck.Tolerance);
        }
    }
}

[Differentiable(ElementType = ElementType.Double), InputShape(1, 6, 6)]
public partial class ConvNetForTaps
{
    [Layer] private readonly Conv2d conv1 = new(1, 3, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(108, 2);
}
