using Axon.Attribution.Tests.Generated;
using Axon.Model;
using static Axon.Attribution.Tests.MultiInput.TwoInputAttributionTests;

namespace Axon.Attribution.Tests.MultiInput;

/// <summary>
/// Layer lists (one pass for several layers), attribution to a layer's input, and DeepLIFT's multipliers alone
/// (multiplyByInputs: false): the list against one-layer-at-a-time calls, the input side against the same call on the
/// input node, and the gradients against the hand-written network's closed forms (∂F/∂y = v, ∂F/∂h = v ⊙ (1 − y²)).
/// </summary>
public sealed class LayerListTests
{
    private static SmoothCnn SeededCnn()
    {
        var model = new SmoothCnn();
        var random = new Random(5);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (random.NextDouble() * 2 - 1) * 0.6;
        return model;
    }

    private static double[] Concat(params double[][] rowsPerLayer) => [.. rowsPerLayer.SelectMany(r => r)];

    [Fact]
    public void Layer_gradients_of_the_hand_network_are_the_closed_forms_on_both_sides_of_the_activation()
    {
        var engine = new Attributor<double>(Built<TwoInputNet, double>(new TwoInputNet()));
        var gradients = new double[2 + 2];
        LayerHandle[] layers = [TwoInputNet.LayerIndex.act, TwoInputNet.LayerIndex.act];
        engine.LayerGradient(layers, X, 0, gradients.AsSpan(0, 4));
        Check.Close(Concat(HeadWeight, HeadWeight), gradients, 1e-14, "∂F/∂y = v");

        var input = new double[2];
        engine.LayerGradient(TwoInputNet.LayerIndex.act, X, 0, input, attributeToLayerInput: true);
        double[] expected = new[] { 0, 1 }.Select(j => HeadWeight[j] * (1 - Math.Pow(Neuron(X, j), 2))).ToArray();
        Check.Close(expected, input, 1e-14, "∂F/∂h = v(1 − y²)");
    }

    [Fact]
    public void A_layer_list_gives_exactly_the_one_layer_calls_in_one_pass()
    {
        var model = SeededCnn();
        var engine = new Attributor<double>(model, stepBatch: 3);
        var x = BruteForce.RandomVector(5 * SmoothCnn.InputSize, 9);
        LayerHandle[] layers = [SmoothCnn.LayerIndex.fc, SmoothCnn.LayerIndex.conv1, SmoothCnn.LayerIndex.gelu];

        foreach (bool timesActivation in new[] { false, true })
        {
            foreach (bool layerInput in new[] { false, true })
            {
                int total = layers.Sum(l => model.Layers[layerInput ? model.Layers[l].Inputs[0] : l].Size);
                var together = new double[5 * total];
                if (timesActivation) engine.LayerGradientTimesActivation(layers, x, 2, together, layerInput);
                else engine.LayerGradient(layers, x, 2, together, layerInput);

                int offset = 0;
                foreach (var layer in layers)
                {
                    int node = layerInput ? model.Layers[layer].Inputs[0] : layer;
                    int width = model.Layers[node].Size;
                    var alone = new double[5 * width];
                    if (timesActivation) engine.LayerGradientTimesActivation(layer, x, 2, alone, layerInput);
                    else engine.LayerGradient(layer, x, 2, alone, layerInput);
                    for (int b = 0; b < 5; b++)
                        Assert.Equal(alone.AsSpan(b * width, width).ToArray(), together.AsSpan(b * total + offset, width).ToArray());
                    offset += width;
                }

                Assert.Equal(total, offset);
            }
        }
    }

    [Fact]
    public void Gradient_times_activation_is_the_gradient_times_the_activation()
    {
        var model = SeededCnn();
        var engine = new Attributor<double>(model);
        var x = BruteForce.RandomVector(2 * SmoothCnn.InputSize, 4);
        int width = model.Layers[SmoothCnn.LayerIndex.tanh1].Size;
        var gradient = new double[2 * width];
        var activation = new double[2 * width];
        var product = new double[2 * width];
        engine.LayerGradient(SmoothCnn.LayerIndex.tanh1, x, 1, gradient);
        engine.LayerActivation(SmoothCnn.LayerIndex.tanh1, x, activation);
        engine.LayerGradientTimesActivation(SmoothCnn.LayerIndex.tanh1, x, 1, product);
        Check.Close(gradient.Zip(activation, (g, a) => g * a).ToArray(), product, 1e-15, "g ⊙ a");
    }

    [Fact]
    public void Attributing_to_the_layer_input_is_the_same_call_on_the_node_the_layer_reads()
    {
        var model = SeededCnn();
        var engine = new Attributor<double>(model);
        var x = BruteForce.RandomVector(2 * SmoothCnn.InputSize, 6);
        var baseline = BruteForce.RandomVector(SmoothCnn.InputSize, 7, 0.3);
        var options = new IntegrationOptions { Steps = 8 };
        LayerHandle layer = SmoothCnn.LayerIndex.gelu, below = SmoothCnn.LayerIndex.conv2;
        int width = model.Layers[below].Size;
        Assert.Equal(below.Index, model.Layers[layer].Inputs[0]);

        void Same(Action<double[], bool> run, int size)
        {
            var inputSide = new double[2 * size];
            var direct = new double[2 * size];
            run(inputSide, true);
            run(direct, false);
            Assert.Equal(direct, inputSide);
            Assert.Contains(direct, v => v != 0);
        }

        var shared = Baseline<double>.Shared(baseline);
        Same((r, side) => engine.InternalInfluence(side ? layer : below, x, 0, Baseline<double>.Shared(baseline), r, options, attributeToLayerInput: side), width);
        Same((r, side) => engine.LayerConductance(side ? layer : below, x, 0, Baseline<double>.Shared(baseline), r, options, attributeToLayerInput: side), width);
        Same((r, side) => engine.DeepLift(side ? layer : below, x, 0, Baseline<double>.Shared(baseline), r, attributeToLayerInput: side), width);
        Same((r, side) => engine.LayerGradientTimesDelta(side ? layer : below, x, 0, Baseline<double>.Shared(baseline), r, attributeToLayerInput: side), width);
        Same((r, side) => engine.LayerGradientShap(side ? layer : below, x, 0, Baseline<double>.Shared(baseline), r, samples: 4, seed: 2, attributeToLayerInput: side), width);
        int positions = width / model.Layers[below].Shape[0];
        Same((r, side) => engine.LayerGradCam(side ? layer : below, x, 0, r, relu: false, attributeToLayerInput: side), positions);
    }

    [Fact]
    public void A_layer_that_reads_several_nodes_or_the_input_node_has_no_single_layer_input()
    {
        var engine = new Attributor<double>(Built<TwoInputNet, double>(new TwoInputNet()));
        var result = new double[16];
        var add = Assert.Throws<ArgumentException>(() => engine.LayerGradient(TwoInputNet.LayerIndex.add1, X, 0, result.AsSpan(0, 2), attributeToLayerInput: true));
        Assert.Contains("'image_fc', 'meta_fc'", add.Message);
        var input = Assert.Throws<ArgumentException>(() => engine.LayerGradient(TwoInputNet.LayerIndex.input, X, 0, result.AsSpan(0, 8), attributeToLayerInput: true));
        Assert.Contains("Node 0", input.Message);
        Assert.Throws<ArgumentException>(() => engine.LayerGradient(ReadOnlySpan<LayerHandle>.Empty, X, 0, result));
        Assert.All(result, v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void DeepLift_multipliers_alone_times_the_layer_change_give_DeepLift_and_are_the_weights_on_a_linear_model()
    {
        var model = SeededCnn();
        var engine = new Attributor<double>(model);
        var x = BruteForce.RandomVector(2 * SmoothCnn.InputSize, 12);
        var baseline = BruteForce.RandomVector(SmoothCnn.InputSize, 13, 0.3);
        LayerHandle layer = SmoothCnn.LayerIndex.pool1;
        int width = model.Layers[layer].Size;
        var multipliers = new double[2 * width];
        var attributions = new double[2 * width];
        var y = new double[2 * width];
        var yReference = new double[width];
        engine.DeepLift(layer, x, 1, Baseline<double>.Shared(baseline), multipliers, multiplyByInputs: false);
        engine.DeepLift(layer, x, 1, Baseline<double>.Shared(baseline), attributions);
        engine.LayerActivation(layer, x, y);
        engine.LayerActivation(layer, baseline, yReference);
        var expected = new double[2 * width];
        for (int i = 0; i < expected.Length; i++) expected[i] = multipliers[i] * (y[i] - yReference[i % width]);
        Check.Close(expected, attributions, 1e-12, "m ⊙ Δy");
        Assert.Throws<ArgumentException>(() => engine.DeepLift(layer, x, 1, Baseline<double>.Shared(baseline), multipliers, new double[2], multiplyByInputs: false));

        // On the gated linear model the input multipliers are the weights (times the fixed mask on the metadata).
        var linear = new GatedLinearNet();
        linear.SetParameter<double>("image_fc.weight", [0.4, -1.5, 0.7], [1, 3]);
        linear.SetParameter<double>("meta_fc.weight", [2.0, -0.6], [1, 2]);
        var m = new double[7];
        new Attributor<double>(linear).DeepLift(0, [1.0, 2.0, -0.5, 0.3, -0.9, 1.0, 0.25], 0, Baseline<double>.Zero, m, multiplyByInputs: false);
        Check.Close([0.4, -1.5, 0.7, 2.0 * 1.0, -0.6 * 0.25], m.AsSpan(0, 5), 1e-14, "multipliers");
    }
}

/// <summary>The noise tunnel over a model with a fixed input: the fixed values get no noise.</summary>
public sealed class FixedInputNoiseTunnelTests
{
    [Fact]
    public void SmoothGrad_of_the_gated_linear_models_gradient_is_its_gradient_when_the_mask_gets_no_noise()
    {
        var model = new GatedLinearNet();
        model.SetParameter<double>("image_fc.weight", [0.4, -1.5, 0.7], [1, 3]);
        model.SetParameter<double>("meta_fc.weight", [2.0, -0.6], [1, 2]);
        var engine = new Attributor<double>(model);
        double[] x = [1.0, 2.0, -0.5, 0.3, -0.9, 1.0, 0.25];
        NoisyAttribution<double> gradient = (inputs, copies, r) => engine.LayerGradient(0, inputs, 0, r);

        // ∂F/∂meta_k = w_k·mask_k and ∂F/∂mask_k = w_k·meta_k: with the mask kept, the meta gradient never moves.
        var smooth = new double[7];
        new NoiseTunnel<double>(model).Attribute(NoiseTunnelKind.SmoothGrad, x, 7, smooth, gradient, samples: 16, stdev: 0.5, seed: 4);
        Check.Close([0.4, -1.5, 0.7, 2.0, -0.6 * 0.25], smooth.AsSpan(0, 5), 1e-14, "kept mask");

        var everywhere = new double[7];
        new NoiseTunnel<double>(GatedLinearNet.InputSize).Attribute(NoiseTunnelKind.SmoothGrad, x, 7, everywhere, gradient, samples: 16, stdev: 0.5, seed: 4);
        Assert.NotEqual(smooth[3], everywhere[3], 6);
    }
}
