using Axon.Attribution.Tests.Generated;
using Axon.Model;
using static Axon.Attribution.Tests.LayerLists.ChainNetwork;

namespace Axon.Attribution.Tests.LayerLists;

/// <summary>
/// The list forms of layer IG, internal influence, DeepLIFT, layer GradientSHAP and Grad-CAM: each layer's block equals the
/// one-layer call, and the values match the chain network written out by hand (ChainNetwork): closed forms where they
/// exist (layer IG at z₂ is v ⊙ Δtanh z₂; DeepLIFT's rescale multipliers), 4000-step midpoint integrals of the hand-written
/// gradients otherwise, a replay of GradientSHAP's seeded draws, and central differences for Grad-CAM. Double to 1e-7
/// relative (the midpoint sums' own error is about 1e-8), float to 2e-4.
/// </summary>
public sealed class PathAndReferenceListTests
{
    private static readonly IntegrationOptions Gauss = new() { Steps = 48 };
    private static readonly LayerHandle[] Chain = [Fc2, Tanh1, Fc1];

    private static Attributor<T> Engine<T>() where T : unmanaged, IFloatingPointIeee754<T> => typeof(T) == typeof(double)
        ? new Attributor<T>((IDifferentiableModel<T>)(object)Built<ChainNet, double>(new ChainNet()), stepBatch: 5)
        : new Attributor<T>((IDifferentiableModel<T>)(object)Built<ChainNetF, float>(new ChainNetF()), stepBatch: 5);

    private static double Tolerance<T>() => typeof(T) == typeof(double) ? 1e-7 : 2e-4;

    private static int Width(int node) => node switch { 0 or Fc1 or Tanh1 => 3, _ => 2 };

    /// <summary>Each input's expected blocks, one per node, one after the other.</summary>
    private static double[] Concatenated(int[] nodes, Func<int, int, double[]> perInputAndNode)
    {
        var result = new List<double>();
        for (int b = 0; b < 2; b++)
            foreach (int node in nodes) result.AddRange(perInputAndNode(b, node));
        return [.. result];
    }

    private static double[] Input(int b) => X.AsSpan(b * 3, 3).ToArray();

    /// <summary>Runs <paramref name="list"/> once over the layers and <paramref name="single"/> per layer; the blocks must be equal.</summary>
    private static double[] SameAsOneLayerCalls<T>(LayerHandle[] layers, int[] widths, Action<T[]> list, Action<LayerHandle, T[]> single, double tolerance = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int total = widths.Sum();
        var together = new T[2 * total];
        list(together);
        int offset = 0;
        for (int l = 0; l < layers.Length; l++)
        {
            var alone = new T[2 * widths[l]];
            single(layers[l], alone);
            for (int b = 0; b < 2; b++)
            {
                var expected = Double<T>(alone.AsSpan(b * widths[l], widths[l]));
                var actual = Double<T>(together.AsSpan(b * total + offset, widths[l]));
                if (tolerance == 0) Assert.Equal(expected, actual);
                else Check.Close(expected, actual, tolerance, $"layer {layers[l].Index}, input {b}");
            }

            offset += widths[l];
        }

        Assert.Contains(together, v => v != T.Zero);
        return Double<T>(together);
    }

    [Fact] public void Layer_IG_lists_double() => LayerIgLists<double>();

    [Fact] public void Layer_IG_lists_float() => LayerIgLists<float>();

    private static void LayerIgLists<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var engine = Engine<T>();
        var x = Cast<T>(X);
        var baseline = Cast<T>(Reference);
        int[] nodes = [Fc2, Tanh1, Fc1];
        var lig = SameAsOneLayerCalls<T>(Chain, [2, 3, 3],
            r => engine.LayerIntegratedGradients(Chain, x, 0, Baseline<T>.Shared(baseline), r, Gauss),
            (layer, r) => engine.LayerIntegratedGradients(layer, x, 0, Baseline<T>.Shared(baseline), r, Gauss));

        // z₂: ∫ v ⊙ sech²(z₂′ + αΔz₂) dα · Δz₂ = v ⊙ (tanh z₂ − tanh z₂′). a₁ and z₁: midpoint sums of the hand-written gradient.
        var expected = Concatenated(nodes, (b, node) =>
        {
            var y = Values(Input(b))[node];
            var y0 = Values(Reference)[node];
            if (node == Fc2) return [.. y.Select((z, j) => V[j] * (Math.Tanh(z) - Math.Tanh(y0[j])))];
            var integral = Midpoint(alpha => GradientFrom(node, Lerp(y0, y, alpha)));
            return [.. integral.Select((g, j) => g * (y[j] - y0[j]))];
        });
        Check.Close(expected, lig, Tolerance<T>(), "layer IG");

        // One quadrature error per input and layer: Σ of that layer's block − (F(x) − F(x′)).
        var errors = new T[2 * 3];
        var again = new T[lig.Length];
        engine.LayerIntegratedGradients(Chain, x, 0, Baseline<T>.Shared(baseline), again, Gauss, errors);
        for (int b = 0; b < 2; b++)
        {
            double change = F(Input(b)) - F(Reference);
            Check.Close(Check.Sum(lig.AsSpan(b * 8, 2)) - change, double.CreateChecked(errors[b * 3]), Tolerance<T>(), "z₂ error");
            Check.Close(Check.Sum(lig.AsSpan(b * 8 + 2, 3)) - change, double.CreateChecked(errors[b * 3 + 1]), Tolerance<T>(), "a₁ error");
            Check.Close(0, double.CreateChecked(errors[b * 3 + 2]), Tolerance<T>(), "z₁ complete");
        }

        // The global form of the list is the integrals alone, and the input side is the node each layer reads.
        var global = new T[lig.Length];
        engine.LayerIntegratedGradients(Chain, x, 0, Baseline<T>.Shared(baseline), global, Gauss, multiplyByInputs: false);
        var globalExpected = Concatenated(nodes, (b, node) => Midpoint(alpha => GradientFrom(node, Lerp(Values(Reference)[node], Values(Input(b))[node], alpha))));
        Check.Close(globalExpected, Double<T>(global), Tolerance<T>(), "global layer IG");
        LayerHandle[] above = [Tanh2, Fc2];
        var inputSide = new T[2 * (2 + 3)];
        var direct = new T[2 * (2 + 3)];
        engine.LayerIntegratedGradients(above, x, 0, Baseline<T>.Shared(baseline), inputSide, Gauss, attributeToLayerInput: true);
        engine.LayerIntegratedGradients([Fc2, Tanh1], x, 0, Baseline<T>.Shared(baseline), direct, Gauss);
        Assert.Equal(direct, inputSide);

        Assert.Throws<ArgumentException>(() => engine.LayerIntegratedGradients(Chain, x, 0, Baseline<T>.Shared(baseline), again, Gauss, new T[2]));
        Assert.Throws<ArgumentException>(() => engine.LayerIntegratedGradients([Fc2, 0], x, 0, Baseline<T>.Shared(baseline), new T[10], Gauss));
    }

    [Fact] public void Internal_influence_lists_double() => InfluenceLists<double>();

    [Fact] public void Internal_influence_lists_float() => InfluenceLists<float>();

    private static void InfluenceLists<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var engine = Engine<T>();
        var x = Cast<T>(X);
        var baseline = Cast<T>(Reference);
        LayerHandle[] layers = [Tanh1, Fc2, 0, Tanh2];
        int[] nodes = [Tanh1, Fc2, 0, Tanh2];
        // The one-layer calls run on the path backend (with the affine prefix), the list on the host: equal to rounding.
        var influence = SameAsOneLayerCalls<T>(layers, [3, 2, 3, 2],
            r => engine.InternalInfluence(layers, x, 0, Baseline<T>.Shared(baseline), r, Gauss),
            (layer, r) => engine.InternalInfluence(layer, x, 0, Baseline<T>.Shared(baseline), r, Gauss), typeof(T) == typeof(double) ? 1e-12 : 1e-5);

        var expected = Concatenated(nodes, (b, node) => Midpoint(alpha => Gradients(Lerp(Reference, Input(b), alpha))[node]));
        Check.Close(expected, influence, Tolerance<T>(), "internal influence");

        // Its quadrature error: Σᵢ (xᵢ − x′ᵢ)·∫∂F/∂xᵢ − (F(x) − F(x′)), which the one-layer call reports too.
        var errors = new T[2];
        var single = new T[2];
        var result = new T[influence.Length];
        engine.InternalInfluence(layers, x, 0, Baseline<T>.Shared(baseline), result, new IntegrationOptions { Steps = 3 }, errors);
        engine.InternalInfluence(0, x, 0, Baseline<T>.Shared(baseline), new T[6], new IntegrationOptions { Steps = 3 }, single);
        Check.Close(Double<T>(single), Double<T>(errors), typeof(T) == typeof(double) ? 1e-12 : 1e-5, "3-node error");
        Assert.True(Math.Abs(double.CreateChecked(errors[0])) > 1e-6, "three nodes leave a visible error");

        Assert.Throws<ArgumentException>(() => engine.InternalInfluence(layers, x, 0, Baseline<T>.Shared(baseline), result, new IntegrationOptions { Tolerance = 1e-3 }));
        Assert.Throws<ArgumentException>(() => engine.InternalInfluence(layers, x, 0, Baseline<T>.Shared(baseline), result, new IntegrationOptions { Rule = IntegrationRule.Exact }));
        Assert.Throws<ArgumentException>(() => engine.InternalInfluence(layers, x, 0, Baseline<T>.Shared(baseline), result.AsSpan(1)));
    }

    [Fact] public void DeepLift_lists_double() => DeepLiftLists<double>();

    [Fact] public void DeepLift_lists_float() => DeepLiftLists<float>();

    private static void DeepLiftLists<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var engine = Engine<T>();
        var x = Cast<T>(X);
        var baseline = Cast<T>(Reference);
        LayerHandle[] layers = [Fc2, Tanh1, Fc1, 0];
        int[] nodes = [Fc2, Tanh1, Fc1, 0];
        var deepLift = SameAsOneLayerCalls<T>(layers, [2, 3, 3, 3],
            r => engine.DeepLift(layers, x, 0, Baseline<T>.Shared(baseline), r),
            (layer, r) => engine.DeepLift(layer, x, 0, Baseline<T>.Shared(baseline), r));

        // The rescale rule by hand: each tanh passes Δa/Δz, each dense layer its weights.
        double[][] Multipliers(int b)
        {
            var y = Values(Input(b));
            var y0 = Values(Reference);
            var mz2 = V.Select((v, j) => v * (y[4][j] - y0[4][j]) / (y[3][j] - y0[3][j])).ToArray();
            var ma1 = new double[3];
            for (int j = 0; j < 2; j++)
                for (int i = 0; i < 3; i++) ma1[i] += W2[j * 3 + i] * mz2[j];
            var mz1 = ma1.Select((m, i) => m * (y[2][i] - y0[2][i]) / (y[1][i] - y0[1][i])).ToArray();
            var mx = new double[3];
            for (int j = 0; j < 3; j++)
                for (int i = 0; i < 3; i++) mx[i] += W1[j * 3 + i] * mz1[j];
            return [mx, mz1, ma1, mz2];
        }

        var expected = Concatenated(nodes, (b, node) => Multipliers(b)[node].Select((m, i) => m * (Values(Input(b))[node][i] - Values(Reference)[node][i])).ToArray());
        Check.Close(expected, deepLift, Tolerance<T>(), "DeepLIFT");

        // Summation-to-delta per input and layer, and the multipliers alone for the whole list.
        var gaps = new T[2 * 4];
        engine.DeepLift(layers, x, 0, Baseline<T>.Shared(baseline), new T[deepLift.Length], gaps);
        Check.Close(new double[8], Double<T>(gaps), Tolerance<T>(), "gaps");
        var multipliers = new T[deepLift.Length];
        engine.DeepLift(layers, x, 0, Baseline<T>.Shared(baseline), multipliers, multiplyByInputs: false);
        Check.Close(Concatenated(nodes, (b, node) => Multipliers(b)[node]), Double<T>(multipliers), Tolerance<T>(), "multipliers");

        Assert.Throws<ArgumentException>(() => engine.DeepLift(layers, x, 0, Baseline<T>.Shared(baseline), multipliers, new T[2]));
    }

    [Fact] public void GradientShap_lists_double() => GradientShapLists<double>();

    [Fact] public void GradientShap_lists_float() => GradientShapLists<float>();

    private static void GradientShapLists<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var engine = Engine<T>();
        var x = Cast<T>(X);
        double[] set = [0.1, 0.2, -0.3, -0.4, 0.0, 0.5];
        LayerHandle[] layers = [Fc2, 0, Tanh1];
        int[] nodes = [Fc2, 0, Tanh1];
        const int samples = 6;
        const double stdev = 0.15;
        var shap = SameAsOneLayerCalls<T>(layers, [2, 3, 3],
            r => engine.LayerGradientShap(layers, x, 0, Baseline<T>.Distribution(Cast<T>(set)), r, samples, stdev, seed: 9),
            (layer, r) => engine.LayerGradientShap(layer, x, 0, Baseline<T>.Distribution(Cast<T>(set)), r, samples, stdev, seed: 9));

        // Replay of the draws (baseline, α, noise per element, input by input) with the hand-written network.
        var random = new SplitMix64(9);
        var expected = new double[2][][];
        for (int b = 0; b < 2; b++)
        {
            expected[b] = [.. nodes.Select(node => new double[Width(node)])];
            for (int s = 0; s < samples; s++)
            {
                var reference = set.AsSpan(random.NextInt(2) * 3, 3).ToArray();
                double alpha = random.NextDouble();
                var noisy = Input(b).Select(v => v + stdev * random.NextGaussian()).ToArray();
                if (typeof(T) == typeof(float)) alpha = (float)alpha;
                var g = Gradients(Lerp(reference, noisy, alpha));
                for (int l = 0; l < nodes.Length; l++)
                {
                    var change = Values(noisy)[nodes[l]].Select((v, i) => v - Values(reference)[nodes[l]][i]).ToArray();
                    for (int i = 0; i < change.Length; i++) expected[b][l][i] += change[i] * g[nodes[l]][i] / samples;
                }
            }
        }

        Check.Close([.. expected.SelectMany(perInput => perInput.SelectMany(v => v))], shap, typeof(T) == typeof(double) ? 1e-12 : 2e-4, "replayed GradientSHAP");
    }

    [Fact]
    public void GradCam_lists_match_central_differences_and_the_float_twin()
    {
        var model = new SmoothCnn();
        var random = new Random(21);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (random.NextDouble() * 2 - 1) * 0.6;
        var twin = new SmoothCnnF();
        for (int i = 0; i < p.Length; i++) twin.Parameters[i] = (float)p[i];
        var engine = new Attributor<double>(model);
        var x = BruteForce.RandomVector(2 * SmoothCnn.InputSize, 22);
        LayerHandle[] layers = [SmoothCnn.LayerIndex.conv2, SmoothCnn.LayerIndex.pool1, SmoothCnn.LayerIndex.tanh1];
        int[] positions = [16, 16, 64];
        var maps = SameAsOneLayerCalls<double>(layers, positions,
            r => engine.LayerGradCam(layers, x, 1, r, relu: false),
            (layer, r) => engine.LayerGradCam(layer, x, 1, r, relu: false));

        // w_c = mean over positions of ∂F/∂A_c by central differences of ForwardFrom; the map Σ_c w_c A_c.
        var ws = model.CreateWorkspace(1);
        var expected = new List<double>();
        for (int b = 0; b < 2; b++)
        {
            var xb = x.AsSpan(b * SmoothCnn.InputSize, SmoothCnn.InputSize).ToArray();
            foreach (var layer in layers)
            {
                model.Forward(ws, xb, 1, new double[3]);
                var a = ws.Activation(layer.Index).ToArray();
                int n = a.Length / 4;
                var map = new double[n];
                for (int c = 0; c < 4; c++)
                {
                    double w = 0;
                    for (int s = 0; s < n; s++)
                    {
                        var shifted = (double[])a.Clone();
                        shifted[c * n + s] += 1e-5;
                        var up = new double[3];
                        model.ForwardFrom(ws, layer.Index, shifted, 1, up);
                        shifted[c * n + s] -= 2e-5;
                        var down = new double[3];
                        model.ForwardFrom(ws, layer.Index, shifted, 1, down);
                        w += (up[1] - down[1]) / 2e-5 / n;
                    }

                    for (int s = 0; s < n; s++) map[s] += w * a[c * n + s];
                }

                expected.AddRange(map);
            }
        }

        Check.Close([.. expected], maps, 1e-8, "Grad-CAM by differences");

        // The ReLU applies per map, and the float twin gives the same maps to single precision.
        var relu = new double[maps.Length];
        engine.LayerGradCam(layers, x, 1, relu);
        Check.Close(maps.Select(v => Math.Max(v, 0)).ToArray(), relu, 1e-15, "ReLU");
        var single = new float[maps.Length];
        LayerHandle[] twinLayers = [SmoothCnnF.LayerIndex.conv2, SmoothCnnF.LayerIndex.pool1, SmoothCnnF.LayerIndex.tanh1];
        new Attributor<float>(twin).LayerGradCam(twinLayers, Cast<float>(x), 1, single, relu: false);
        Check.Close(maps, Double<float>(single), 2e-5, "float twin");

        Assert.Throws<ArgumentException>(() => engine.LayerGradCam([SmoothCnn.LayerIndex.conv2, SmoothCnn.LayerIndex.fc], x, 1, new double[2 * 17]));
    }
}
