using Axon.Attribution.Tests.Generated;
using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>
/// Layer IG, neuron IG, neuron and layer gradients, GradientSHAP, Grad-CAM, the noise tunnel and parameters by name,
/// each against an independent computation: central differences of the model's forward (no backward pass involved),
/// closed forms of a linear model, and the methods' axioms (completeness, SmoothGrad of a linear model = its gradient).
/// </summary>
public class CaptumMethodsTests
{
    private const double H = 1e-5;

    private static T Seeded<T>(T model, int seed) where T : IDifferentiableModel<double>
    {
        var random = new Random(seed);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (random.NextDouble() * 2 - 1) * 0.6;
        return model;
    }

    private static double[] Outputs(IDifferentiableModel<double> model, ModelWorkspace<double> ws, int layer, double[] activation)
    {
        var output = new double[model.OutputSize];
        if (layer == 0) model.Forward(ws, activation, 1, output);
        else model.ForwardFrom(ws, layer, activation, 1, output);
        return output;
    }

    private static double[] LayerValue(IDifferentiableModel<double> model, ModelWorkspace<double> ws, int layer, double[] x)
    {
        model.Forward(ws, x, 1, new double[model.OutputSize]);
        return ws.Activation(layer).ToArray();
    }

    /// <summary>∂F_class/∂a at the activation a of a cut layer, by central differences of ForwardFrom.</summary>
    private static double[] GradientByDifferences(IDifferentiableModel<double> model, ModelWorkspace<double> ws, int layer, double[] a, int classIndex)
    {
        var g = new double[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            double keep = a[i];
            a[i] = keep + H;
            double up = Outputs(model, ws, layer, a)[classIndex];
            a[i] = keep - H;
            double down = Outputs(model, ws, layer, a)[classIndex];
            a[i] = keep;
            g[i] = (up - down) / (2 * H);
        }

        return g;
    }

    [Fact]
    public void LayerIgMatchesAMidpointIntegralOfFiniteDifferencesAndIsComplete()
    {
        var model = Seeded(new SmoothCnn(), 3);
        var engine = new Attributor<double>(model);
        var ws = model.CreateWorkspace(1);
        var x = BruteForce.RandomVector(SmoothCnn.InputSize, 4);
        var baseline = BruteForce.RandomVector(SmoothCnn.InputSize, 5, 0.3);
        int layer = SmoothCnn.LayerIndex.pool1;
        var y = LayerValue(model, ws, layer, x);
        var y0 = LayerValue(model, ws, layer, baseline);
        var expected = new double[y.Length];
        const int steps = 200;
        for (int k = 0; k < steps; k++)
        {
            double alpha = (k + 0.5) / steps;
            var a = y.Select((v, i) => y0[i] + alpha * (v - y0[i])).ToArray();
            var g = GradientByDifferences(model, ws, layer, a, 2);
            for (int i = 0; i < y.Length; i++) expected[i] += (y[i] - y0[i]) * g[i] / steps;
        }

        var lig = new double[y.Length];
        var errors = new double[1];
        var report = engine.LayerIntegratedGradients(SmoothCnn.LayerIndex.pool1, x, 2, Baseline<double>.Shared(baseline), lig, new IntegrationOptions { Steps = 24 }, errors);
        for (int i = 0; i < y.Length; i++) Assert.Equal(expected[i], lig[i], 6);
        var scores = new double[2];
        engine.TargetScores([.. x, .. baseline], 2, scores);
        Assert.Equal(lig.Sum() - (scores[0] - scores[1]), errors[0], 10);
        Assert.True(Math.Abs(errors[0]) < 1e-9, $"Σ LIG − ΔF = {errors[0]}");
        Assert.Equal(Completeness.Holds, report.Completeness);

        // The global form is the integral alone: times Δy it gives the attributions back.
        var global = new double[y.Length];
        var globalReport = engine.LayerIntegratedGradients(SmoothCnn.LayerIndex.pool1, x, 2, Baseline<double>.Shared(baseline), global, new IntegrationOptions { Steps = 24 }, multiplyByInputs: false);
        for (int i = 0; i < y.Length; i++) Assert.Equal(lig[i], global[i] * (y[i] - y0[i]), 10);
        Assert.Equal(Completeness.NotApplicable, globalReport.Completeness);

        // Where y is affine along the input path (conv1, the affine prefix), layer IG is layer conductance.
        var atConv = new double[model.Layers[SmoothCnn.LayerIndex.conv1].Size];
        var conductance = new double[atConv.Length];
        engine.LayerIntegratedGradients(SmoothCnn.LayerIndex.conv1, x, 2, Baseline<double>.Shared(baseline), atConv);
        engine.LayerConductance(SmoothCnn.LayerIndex.conv1, x, 2, Baseline<double>.Shared(baseline), conductance);
        for (int i = 0; i < atConv.Length; i++) Assert.Equal(conductance[i], atConv[i], 10);

        // The layer's input side: tanh1's input is conv1.
        var inputSide = new double[atConv.Length];
        engine.LayerIntegratedGradients(SmoothCnn.LayerIndex.tanh1, x, 2, Baseline<double>.Shared(baseline), inputSide, attributeToLayerInput: true);
        Assert.Equal(atConv, inputSide);
    }

    [Fact]
    public void LayerIgRefusesALayerASkipConnectionBypasses()
    {
        var engine = new Attributor<double>(Seeded(new Residual(), 1));
        var error = Assert.Throws<ArgumentException>(() => engine.LayerIntegratedGradients(Residual.LayerIndex.t, new double[6], 0, Baseline<double>.Zero, new double[6]));
        Assert.Contains("LayerConductance", error.Message);
    }

    [Fact]
    public void NeuronIgAndNeuronGradientMatchFiniteDifferences()
    {
        var model = Seeded(new SmoothMlp(), 7);
        var engine = new Attributor<double>(model);
        var ws = model.CreateWorkspace(1);
        var x = BruteForce.RandomVector(SmoothMlp.InputSize, 8);
        int layer = SmoothMlp.LayerIndex.softplus, neuron = 4;
        double Neuron(double[] point) => LayerValue(model, ws, layer, point)[neuron];
        double[] NeuronGradient(double[] point)
        {
            var g = new double[point.Length];
            for (int i = 0; i < point.Length; i++)
            {
                var up = (double[])point.Clone();
                var down = (double[])point.Clone();
                up[i] += H;
                down[i] -= H;
                g[i] = (Neuron(up) - Neuron(down)) / (2 * H);
            }

            return g;
        }

        var gradient = new double[SmoothMlp.InputSize];
        engine.NeuronGradient(SmoothMlp.LayerIndex.softplus, neuron, x, gradient);
        var expectedGradient = NeuronGradient(x);
        for (int i = 0; i < x.Length; i++) Assert.Equal(expectedGradient[i], gradient[i], 7);

        var expected = new double[x.Length];
        const int steps = 400;
        for (int k = 0; k < steps; k++)
        {
            double alpha = (k + 0.5) / steps;
            var g = NeuronGradient(x.Select(v => alpha * v).ToArray());
            for (int i = 0; i < x.Length; i++) expected[i] += x[i] * g[i] / steps;
        }

        var nig = new double[x.Length];
        var errors = new double[1];
        engine.NeuronIntegratedGradients(SmoothMlp.LayerIndex.softplus, neuron, x, Baseline<double>.Zero, nig, new IntegrationOptions { Steps = 32 }, errors);
        for (int i = 0; i < x.Length; i++) Assert.Equal(expected[i], nig[i], 6);
        Assert.True(Math.Abs(nig.Sum() - (Neuron(x) - Neuron(new double[x.Length]))) < 1e-9);
        Assert.Equal(nig.Sum() - (Neuron(x) - Neuron(new double[x.Length])), errors[0], 10);

        // The global form: the integral alone, so times x it gives the attributions back; its error still measures the path.
        var global = new double[x.Length];
        var globalErrors = new double[1];
        engine.NeuronIntegratedGradients(SmoothMlp.LayerIndex.softplus, neuron, x, Baseline<double>.Zero, global, new IntegrationOptions { Steps = 32 }, globalErrors, multiplyByInputs: false);
        for (int i = 0; i < x.Length; i++) Assert.Equal(nig[i], global[i] * x[i], 12);
        Assert.Equal(errors[0], globalErrors[0], 12);
    }

    [Fact]
    public void LayerGradientMatchesFiniteDifferencesOfForwardFrom()
    {
        var model = Seeded(new SmoothCnn(), 9);
        var engine = new Attributor<double>(model);
        var ws = model.CreateWorkspace(1);
        var x = BruteForce.RandomVector(SmoothCnn.InputSize, 10);
        int layer = SmoothCnn.LayerIndex.gelu;
        var expected = GradientByDifferences(model, ws, layer, LayerValue(model, ws, layer, x), 1);
        var gradient = new double[expected.Length];
        engine.LayerGradient(SmoothCnn.LayerIndex.gelu, x, 1, gradient);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], gradient[i], 7);
    }

    [Fact]
    public void GradientShapOfALinearModelIsInputMinusMeanBaselineTimesWeight()
    {
        // F = w·x + b: every gradient is w, so without noise GradientSHAP = (x − x′_drawn) ⊙ w averaged over the draws, whose
        // sum over features is exactly F(x) − mean F(x′_drawn); with one baseline it is IG exactly.
        var model = Seeded(new Linear(), 2);
        var engine = new Attributor<double>(model);
        var x = BruteForce.RandomVector(2 * Linear.InputSize, 3);
        var baseline = BruteForce.RandomVector(Linear.InputSize, 4);
        var shap = new double[x.Length];
        engine.GradientShap(x, 1, Baseline<double>.Shared(baseline), shap, samples: 7, stdev: 0, seed: 5);
        var weight = model.GetParameter("fc.weight").Slice(Linear.InputSize, Linear.InputSize).ToArray(); // row of class 1
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < Linear.InputSize; i++) Assert.Equal((x[b * 5 + i] - baseline[i]) * weight[i], shap[b * 5 + i], 12);

        // A distribution and noise: in expectation (x − E x′) ⊙ w; 4000 seeded draws put it within a few percent.
        var set = BruteForce.RandomVector(3 * Linear.InputSize, 6);
        var noisy = new double[Linear.InputSize];
        engine.GradientShap(x.AsSpan(0, 5), 1, Baseline<double>.Distribution(set), noisy, samples: 4000, stdev: 0.2, seed: 7);
        for (int i = 0; i < Linear.InputSize; i++)
        {
            double mean = (set[i] + set[5 + i] + set[10 + i]) / 3;
            Assert.Equal((x[i] - mean) * weight[i], noisy[i], 1);
        }

        var again = new double[Linear.InputSize];
        engine.GradientShap(x.AsSpan(0, 5), 1, Baseline<double>.Distribution(set), again, samples: 4000, stdev: 0.2, seed: 7);
        Assert.Equal(noisy, again); // seeded: the same draws
    }

    [Fact]
    public void GradCamWeighsChannelsByTheirMeanGradient()
    {
        var model = Seeded(new ReluCnn(), 11);
        var engine = new Attributor<double>(model);
        var ws = model.CreateWorkspace(1);
        var x = BruteForce.RandomVector(ReluCnn.InputSize, 12);
        int layer = ReluCnn.LayerIndex.pool1; // [4, 4, 4]
        var a = LayerValue(model, ws, layer, x);
        var g = GradientByDifferences(model, ws, layer, (double[])a.Clone(), 0);
        var expected = new double[16];
        for (int c = 0; c < 4; c++)
        {
            double w = Enumerable.Range(0, 16).Average(s => g[c * 16 + s]);
            for (int s = 0; s < 16; s++) expected[s] += w * a[c * 16 + s];
        }

        var signed = new double[16];
        engine.LayerGradCam(ReluCnn.LayerIndex.pool1, x, 0, signed, relu: false);
        for (int s = 0; s < 16; s++) Assert.Equal(expected[s], signed[s], 7);
        var map = new double[16];
        engine.LayerGradCam(ReluCnn.LayerIndex.pool1, x, 0, map);
        for (int s = 0; s < 16; s++) Assert.Equal(Math.Max(expected[s], 0), map[s], 7);

        Assert.Throws<ArgumentException>(() => engine.LayerGradCam(ReluCnn.LayerIndex.fc, x, 0, new double[1]));
    }

    [Fact]
    public void UpsamplingMatchesPyTorchsNearestAndBilinear()
    {
        double[] map = [1, 2, 3, 4]; // 2 × 2
        var nearest = new double[16];
        GradCam.Upsample<double>(map, 2, 2, nearest, 4, 4);
        Assert.Equal([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4], nearest);

        // torch.nn.functional.interpolate(tensor([[1., 2.], [3., 4.]])[None, None], size=(4, 4), mode='bilinear') row 0 and 1:
        // [1.0, 1.25, 1.75, 2.0] and [1.5, 1.75, 2.25, 2.5] (centres aligned, edges clamped).
        var bilinear = new double[16];
        GradCam.Upsample<double>(map, 2, 2, bilinear, 4, 4, UpsampleMode.Bilinear);
        Assert.Equal([1.0, 1.25, 1.75, 2.0], bilinear[..4]);
        Assert.Equal([1.5, 1.75, 2.25, 2.5], bilinear[4..8]);
        Assert.Equal([3.0, 3.25, 3.75, 4.0], bilinear[12..]);
    }

    [Fact]
    public void SmoothGradOfALinearModelIsItsGradientAndVarGradIsZero()
    {
        var model = Seeded(new Linear(), 3);
        var engine = new Attributor<double>(model);
        var tunnel = new NoiseTunnel<double>(Linear.InputSize);
        var x = BruteForce.RandomVector(2 * Linear.InputSize, 4);
        var saliency = new double[x.Length];
        engine.LayerGradient(0, x, 2, saliency);
        NoisyAttribution<double> gradient = (inputs, copies, result) => engine.LayerGradient(0, inputs, 2, result);

        var smooth = new double[x.Length];
        tunnel.Attribute(NoiseTunnelKind.SmoothGrad, x, Linear.InputSize, smooth, gradient, samples: 9, stdev: 0.5, seed: 1, samplesPerCall: 4);
        for (int i = 0; i < x.Length; i++) Assert.Equal(saliency[i], smooth[i], 12);
        var squared = new double[x.Length];
        tunnel.Attribute(NoiseTunnelKind.SmoothGradSquared, x, Linear.InputSize, squared, gradient, samples: 9, stdev: 0.5, seed: 1);
        for (int i = 0; i < x.Length; i++) Assert.Equal(saliency[i] * saliency[i], squared[i], 12);
        var variance = new double[x.Length];
        tunnel.Attribute(NoiseTunnelKind.VarGrad, x, Linear.InputSize, variance, gradient, samples: 9, stdev: 0.5, seed: 1);
        Assert.All(variance, v => Assert.True(Math.Abs(v) < 1e-12));

        // On a nonlinear model the noise matters, the seed reproduces it, and VarGrad is the spread around SmoothGrad.
        var mlp = new Attributor<double>(Seeded(new SmoothMlp(), 5));
        var tunnel6 = new NoiseTunnel<double>(SmoothMlp.InputSize);
        var z = BruteForce.RandomVector(SmoothMlp.InputSize, 6);
        NoisyAttribution<double> ig = (inputs, copies, result) => mlp.IntegratedGradients(inputs, 0, Baseline<double>.Zero, result, new IntegrationOptions { Steps = 16 });
        var first = new double[6];
        var second = new double[6];
        var var = new double[6];
        tunnel6.Attribute(NoiseTunnelKind.SmoothGrad, z, 6, first, ig, samples: 5, stdev: 0.3, seed: 9, samplesPerCall: 5);
        tunnel6.Attribute(NoiseTunnelKind.SmoothGrad, z, 6, second, ig, samples: 5, stdev: 0.3, seed: 9, samplesPerCall: 2);
        for (int i = 0; i < 6; i++) Assert.Equal(first[i], second[i], 12); // batching does not change the draws
        tunnel6.Attribute(NoiseTunnelKind.VarGrad, z, 6, var, ig, samples: 5, stdev: 0.3, seed: 9);
        Assert.Contains(var, v => v > 1e-8);
    }

    [Fact]
    public void ParametersCanBeSetByTheirPyTorchNames()
    {
        var model = new Linear();
        double[] weight = [.. Enumerable.Range(0, 15).Select(i => i * 0.1)];
        model.SetParameter("fc.weight", weight, [3, 5]);
        Assert.Equal(weight, model.GetParameter("fc.weight").ToArray());
        var before = model.Parameters.ToArray();
        Assert.Contains("fc.weight", Assert.Throws<KeyNotFoundException>(() => model.SetParameter("fc1.weight", weight)).Message);
        Assert.Contains("shape [3, 5]", Assert.Throws<ArgumentException>(() => model.SetParameter("fc.weight", weight, [5, 3])).Message);
        Assert.Throws<ArgumentException>(() => model.SetParameter("fc.bias", weight));
        Assert.Throws<ArgumentException>(() => model.SetParameter("fc.bias", new[] { 1.0, double.NaN, 2.0 }));
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void StoredBaselinesAndTargetsComposeAndGiveTheSpanFormsResults()
    {
        var model = Seeded(new SmoothMlp(), 13);
        var engine = new Attributor<double>(model);
        var x = BruteForce.RandomVector(2 * SmoothMlp.InputSize, 14);
        var set = BruteForce.RandomVector(4 * SmoothMlp.InputSize, 15);
        // Stored in a list and captured in a lambda: what the ref structs cannot be.
        var pipeline = new List<(StoredBaseline<double> Baseline, StoredTarget<double> Target)>
        {
            (StoredBaseline<double>.Constant(0.5, SmoothMlp.InputSize), StoredTarget<double>.Classes(new[] { 0, 2 })),
            (StoredBaseline<double>.Distribution(set, samples: 3, seed: 4), StoredTarget<double>.Class(1)),
        };
        Func<int, double[]> run = k =>
        {
            var result = new double[x.Length];
            engine.IntegratedGradients(x, pipeline[k].Target, pipeline[k].Baseline, result, new IntegrationOptions { Steps = 16 });
            return result;
        };

        var constant = run(0);
        var expected = new double[x.Length];
        engine.IntegratedGradients(x, new[] { 0, 2 }, Baseline<double>.Shared([.. Enumerable.Repeat(0.5, SmoothMlp.InputSize)]), expected, new IntegrationOptions { Steps = 16 });
        Assert.Equal(expected, constant);

        var sampled = run(1);
        Assert.Equal(2 * 3, engine.LastBaselineDraws.Length);
        Assert.All(engine.LastBaselineDraws.ToArray(), row => Assert.InRange(row, 0, 3));

        // The draws are observable: the mean of F over exactly those rows closes the completeness check.
        var draws = engine.LastBaselineDraws.ToArray();
        var scores = new double[2];
        engine.TargetScores(x, 1, scores);
        for (int b = 0; b < 2; b++)
        {
            double reference = 0;
            for (int p = 0; p < 3; p++)
            {
                var one = new double[1];
                engine.TargetScores(set.AsSpan(draws[b * 3 + p] * SmoothMlp.InputSize, SmoothMlp.InputSize), 1, one);
                reference += one[0] / 3;
            }

            double sum = sampled.AsSpan(b * SmoothMlp.InputSize, SmoothMlp.InputSize).ToArray().Sum();
            Assert.True(Math.Abs(sum - (scores[b] - reference)) < 1e-6, $"input {b}: Σ {sum} vs {scores[b] - reference}");
        }

        engine.IntegratedGradients(x, 1, Baseline<double>.Zero, sampled);
        Assert.True(engine.LastBaselineDraws.IsEmpty);
    }

    [Fact]
    public void NeuronDeepLiftSumsToTheNeuronsChangeAndEqualsNeuronIgWhereTheNeuronIsAffine()
    {
        var cnn = Seeded(new ReluCnn(), 21);
        var engine = new Attributor<double>(cnn);
        var ws = cnn.CreateWorkspace(1);
        var x = BruteForce.RandomVector(2 * ReluCnn.InputSize, 22);
        var set = BruteForce.RandomVector(3 * ReluCnn.InputSize, 23, 0.5);
        int layer = ReluCnn.LayerIndex.fc, neuron = 1;
        var attributions = new double[x.Length];
        var gaps = new double[2];
        engine.NeuronDeepLift(ReluCnn.LayerIndex.fc, neuron, x, Baseline<double>.Distribution(set), attributions, gaps);
        for (int b = 0; b < 2; b++)
        {
            double y = LayerValue(cnn, ws, layer, x.AsSpan(b * 64, 64).ToArray())[neuron];
            double y0 = Enumerable.Range(0, 3).Average(r => LayerValue(cnn, ws, layer, set.AsSpan(r * 64, 64).ToArray())[neuron]);
            double sum = attributions.AsSpan(b * 64, 64).ToArray().Sum();
            Assert.Equal(y - y0, sum, 10);                      // summation-to-delta through ReLU and max-pool
            Assert.Equal(sum - (y - y0), gaps[b], 10);
        }

        // Before any nonlinearity (conv1 of AffineStem feeds an average pool and a dense layer) DeepLIFT is exact linear
        // algebra, so it equals neuron IG.
        var stem = Seeded(new AffineStem(), 24);
        var stemEngine = new Attributor<double>(stem);
        var z = BruteForce.RandomVector(AffineStem.InputSize, 25);
        var deepLift = new double[z.Length];
        var nig = new double[z.Length];
        stemEngine.NeuronDeepLift(AffineStem.LayerIndex.fc1, 3, z, Baseline<double>.Zero, deepLift);
        stemEngine.NeuronIntegratedGradients(AffineStem.LayerIndex.fc1, 3, z, Baseline<double>.Zero, nig, new IntegrationOptions { Steps = 2 });
        for (int i = 0; i < z.Length; i++) Assert.Equal(nig[i], deepLift[i], 12);
    }

    [Fact]
    public void LayerGradientShapAndTheGlobalFormsHaveTheirClosedFormsOnALinearModel()
    {
        // F = Wx + b. At the output layer the gradient of class 1 is e₁ and the layer's change is W(x − x′): layer
        // GradientSHAP puts F₁(x) − F₁(x′) on element 1 and zero elsewhere. The global form of GradientSHAP is the row w₁.
        var model = Seeded(new Linear(), 31);
        var engine = new Attributor<double>(model);
        var x = BruteForce.RandomVector(2 * Linear.InputSize, 32);
        var baseline = BruteForce.RandomVector(Linear.InputSize, 33);
        var scores = new double[3];
        engine.TargetScores([.. x, .. baseline], 1, scores);

        var atOutput = new double[2 * 3];
        engine.LayerGradientShap(Linear.LayerIndex.fc, x, 1, Baseline<double>.Shared(baseline), atOutput, samples: 5, seed: 3);
        for (int b = 0; b < 2; b++)
        {
            Assert.Equal(scores[b] - scores[2], atOutput[b * 3 + 1], 12);
            Assert.Equal(0.0, atOutput[b * 3], 15);
            Assert.Equal(0.0, atOutput[b * 3 + 2], 15);
        }

        var global = new double[x.Length];
        engine.GradientShap(x, 1, Baseline<double>.Shared(baseline), global, samples: 5, stdev: 0.3, seed: 3, multiplyByInputs: false);
        var row = model.GetParameter("fc.weight").Slice(Linear.InputSize, Linear.InputSize).ToArray();
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < Linear.InputSize; i++) Assert.Equal(row[i], global[b * 5 + i], 12);

        // Layer 0 is GradientSHAP itself, draw for draw.
        var atInput = new double[x.Length];
        var plain = new double[x.Length];
        var set = BruteForce.RandomVector(3 * Linear.InputSize, 34);
        engine.LayerGradientShap(0, x, 1, Baseline<double>.Distribution(set), atInput, samples: 9, stdev: 0.2, seed: 8);
        engine.GradientShap(x, 1, Baseline<double>.Distribution(set), plain, samples: 9, stdev: 0.2, seed: 8);
        Assert.Equal(plain, atInput);
    }

    [Fact]
    public void LayerGradientShapMatchesABruteForceReplayOfItsDraws()
    {
        // On a nonlinear model: the same seed gives the same draws, so the layer form at a cut layer, summed over the
        // layer, is the mean over draws of Δy·∂F/∂y; compare with GradientSHAP at the input on the affine prefix, where
        // Δy·∂F/∂y = (x̃ − x′)·∂F/∂x draw by draw.
        var model = Seeded(new SmoothMlp(), 35);
        var engine = new Attributor<double>(model);
        var x = BruteForce.RandomVector(SmoothMlp.InputSize, 36);
        var set = BruteForce.RandomVector(4 * SmoothMlp.InputSize, 37);
        var atFc1 = new double[model.Layers[SmoothMlp.LayerIndex.fc1].Size];
        var atInput = new double[SmoothMlp.InputSize];
        engine.LayerGradientShap(SmoothMlp.LayerIndex.fc1, x, 0, Baseline<double>.Distribution(set), atFc1, samples: 40, stdev: 0.1, seed: 12);
        engine.GradientShap(x, 0, Baseline<double>.Distribution(set), atInput, samples: 40, stdev: 0.1, seed: 12);
        Assert.Equal(atInput.Sum(), atFc1.Sum(), 10);
    }

    [Fact]
    public void EveryNeuronsConductanceMapIsItsNeuronConductance()
    {
        var model = Seeded(new SmoothCnn(), 41);
        var engine = new Attributor<double>(model, stepBatch: 24); // chunks of tangent rows that do not divide 64 features
        var x = BruteForce.RandomVector(SmoothCnn.InputSize, 42);
        var baseline = BruteForce.RandomVector(SmoothCnn.InputSize, 43, 0.3);
        var options = new IntegrationOptions { Steps = 12 };
        int layer = SmoothCnn.LayerIndex.pool1, width = model.Layers[layer].Size, n = SmoothCnn.InputSize;
        var layout = engine.MapLayout(SmoothCnn.LayerIndex.pool1);
        Assert.False(layout.IsDense);
        var maps = new double[layout.Length];
        engine.NeuronConductanceMaps(SmoothCnn.LayerIndex.pool1, x, 2, Baseline<double>.Shared(baseline), maps, options);
        var view = new ConductanceMapView<double>(layout, maps);
        var dense = new double[width * n];
        for (int j = 0; j < width; j++) view.NeuronOverInput(j, dense.AsSpan(j * n, n));

        var one = new double[n];
        foreach (int j in new[] { 0, 5, 17, 40, width - 1 })
        {
            engine.NeuronConductance(SmoothCnn.LayerIndex.pool1, j, x, 2, Baseline<double>.Shared(baseline), one, options);
            for (int i = 0; i < n; i++) Assert.Equal(one[i], dense[j * n + i], 11);
        }

        var all = new double[n];
        engine.NeuronConductance(SmoothCnn.LayerIndex.pool1, Enumerable.Range(0, width).ToArray(), x, 2, Baseline<double>.Shared(baseline), all, options);
        for (int i = 0; i < n; i++) Assert.Equal(all[i], Enumerable.Range(0, width).Sum(j => dense[j * n + i]), 11);

        // The view: a filter's map is the sum of its neurons' maps; the top features are the largest by magnitude.
        var filter = new double[n];
        view.Filter(2, filter);
        for (int i = 0; i < n; i++) Assert.Equal(Enumerable.Range(32, 16).Sum(j => dense[j * n + i]), filter[i], 12);
        var top = new int[5];
        view.TopFeatures(17, top);
        var expected = Enumerable.Range(0, n).OrderByDescending(i => Math.Abs(dense[17 * n + i])).ThenBy(i => i).Take(5).ToArray();
        Assert.Equal(expected, top);

        // pool1 neuron (c, 0, 0) sees input rows and columns 0..2 only: its window is that box.
        Assert.Equal(new MapWindow(0, 0, 0, 1, 3, 3), layout.Window(0));
    }
}
