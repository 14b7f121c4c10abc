using Axon.Attribution.Tests.Generated;
using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>
/// The exact rule on piecewise-linear networks: the closed-form integral of a hand-built network, agreement with a
/// fine midpoint rule, completeness to 1e-12 relative in double, and a segment count equal to the activation-pattern
/// changes a brute-force scan of α finds. Smooth models are refused, naming the layer.
/// </summary>
public class ExactIntegrationTests
{
    private static readonly IntegrationOptions Exact = new() { Rule = IntegrationRule.Exact };

    private static TModel Random<TModel>(TModel model, int seed, double scale = 0.6) where TModel : IDifferentiableModel<double>
    {
        var random = new Random(seed);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (random.NextDouble() * 2 - 1) * scale;
        return model;
    }

    [Fact]
    public void TwoHingesGiveTheirClosedFormIntegral()
    {
        // F(x) = relu(x₁ − 0.5) + 2·relu(x₂ − 0.25); from 0 to (1, 1) the hinges open at α = 0.5 and 0.25:
        // IG₁ = ∫_{0.5}^{1} 1 dα = 0.5, IG₂ = 2·∫_{0.25}^{1} 1 dα = 1.5, in three segments.
        var model = new HingeNet();
        model.SetParameter("fc1.weight", [1.0, 0, 0, 1]);
        model.SetParameter("fc1.bias", [-0.5, -0.25]);
        model.SetParameter("fc2.weight", [1.0, 2]);
        model.SetParameter("fc2.bias", [0.0]);
        var engine = new Attributor<double>(model);
        var ig = new double[2];
        var errors = new double[1];
        var report = engine.IntegratedGradients([1.0, 1.0], 0, Baseline<double>.Zero, ig, Exact, errors);
        Assert.Equal(0.5, ig[0], 15);
        Assert.Equal(1.5, ig[1], 15);
        Assert.Equal(3, report.Steps);
        Assert.Equal([3], engine.LastSegmentCounts.ToArray());
        Assert.Equal(0.0, errors[0], 15);

        // The same hinges from the other side, and a hinge exactly at the start (x₂ − 0.25 = 0 at α = 0 from x′ = (0, 0.25)).
        engine.IntegratedGradients([1.0, 1.0], 0, Baseline<double>.Shared([0.0, 0.25]), ig, Exact);
        Assert.Equal(0.5, ig[0], 15);
        Assert.Equal(1.5, ig[1], 15);
    }

    [Fact]
    public void CompletenessHoldsToRoundingOnRandomReluNetworks()
    {
        var mlp = Random(new ReluMlp(), 1);
        var cnn = Random(new ReluCnn(), 2);
        foreach (var (model, seed) in new (IDifferentiableModel<double>, int)[] { (mlp, 3), (cnn, 4) })
        {
            var engine = new Attributor<double>(model);
            int n = model.InputSize, count = 5;
            var x = BruteForce.RandomVector(count * n, seed, 2);
            var baseline = BruteForce.RandomVector(n, seed + 10, 0.5);
            var ig = new double[x.Length];
            var errors = new double[count];
            var report = engine.IntegratedGradients(x, 1, Baseline<double>.Shared(baseline), ig, Exact, errors);
            Assert.True(report.MaxRelativeQuadratureError < 1e-12, $"{model.Name}: {report.MaxRelativeQuadratureError:E2}");
            Assert.True(report.Steps > 1, $"{model.Name}: only {report.Steps} segment(s)");
            Assert.Equal(Completeness.Holds, report.Completeness);
            Assert.True(report.MaxRelativeCompletenessGap < 1e-12);
            Assert.All(engine.LastSegmentCounts.ToArray(), s => Assert.True(s >= 1));
        }
    }

    [Fact]
    public void ExactAgreesWithAFineMidpointRuleForEveryPathMethod()
    {
        var model = Random(new ReluCnn(), 5);
        var engine = new Attributor<double>(model);
        var x = BruteForce.RandomVector(2 * ReluCnn.InputSize, 6, 2);
        var fine = new IntegrationOptions { Rule = IntegrationRule.RiemannMiddle, Steps = 4096 };

        void Same(int size, Action<double[], IntegrationOptions> method, string name)
        {
            var exact = new double[size];
            var reference = new double[size];
            method(exact, Exact);
            method(reference, fine);
            double scale = reference.Max(Math.Abs);
            for (int i = 0; i < size; i++) Assert.True(Math.Abs(exact[i] - reference[i]) <= 1e-4 * scale, $"{name}[{i}]: {exact[i]} vs {reference[i]}");
        }

        int relu = ReluCnn.LayerIndex.relu1, pool = ReluCnn.LayerIndex.pool1;
        Same(x.Length, (r, o) => engine.IntegratedGradients(x, 2, Baseline<double>.Zero, r, o), "IG");
        Same(2 * (model.Layers[relu].Size + model.Layers[pool].Size), (r, o) => engine.LayerConductance([ReluCnn.LayerIndex.relu1, ReluCnn.LayerIndex.pool1], x, 2, Baseline<double>.Zero, r, o), "conductance");
        Same(x.Length, (r, o) => engine.NeuronConductance(ReluCnn.LayerIndex.pool1, [3, 17, 40], x, 2, Baseline<double>.Zero, r, o), "neuron conductance");
        Same(2 * model.Layers[pool].Size, (r, o) => engine.InternalInfluence(ReluCnn.LayerIndex.pool1, x, 2, Baseline<double>.Zero, r, o), "influence");
    }

    [Fact]
    public void SegmentsEqualThePatternChangesOfABruteForceScan()
    {
        var model = Random(new ReluCnn(), 7);
        var engine = new Attributor<double>(model);
        var x = BruteForce.RandomVector(ReluCnn.InputSize, 8, 2);
        engine.IntegratedGradients(x, 0, Baseline<double>.Zero, new double[x.Length], Exact);
        int segments = engine.LastSegmentCounts[0];

        // Scan α densely; the pattern is every pooling window's arg-max, or none while the window is all zeros. relu1's only
        // reader is pool1, so a ReLU input crossing zero under another positive candidate of its window changes nothing
        // downstream and is no breakpoint; the ReLU sides count only through the windows.
        var ws = model.CreateWorkspace(1);
        int relu = ReluCnn.LayerIndex.relu1;
        string Pattern(double alpha)
        {
            model.Forward(ws, x.Select(v => alpha * v).ToArray(), 1, new double[ReluCnn.OutputSize]);
            var y = ws.Activation(relu).ToArray();
            var winners = new List<int>();
            for (int c = 0; c < 4; c++)
                for (int oh = 0; oh < 4; oh++)
                    for (int ow = 0; ow < 4; ow++)
                    {
                        int best = -1;
                        double max = double.NegativeInfinity;
                        for (int i = 0; i < 2; i++)
                            for (int j = 0; j < 2; j++)
                            {
                                int at = c * 64 + (2 * oh + i) * 8 + 2 * ow + j;
                                if (y[at] > max) { max = y[at]; best = at; }
                            }

                        // A window whose candidates are all 0 (every ReLU closed) has no arg-max that matters.
                        winners.Add(max > 0 ? best : -1);
                    }

            return string.Join(",", winners);
        }

        const int grid = 20000;
        int changes = 0;
        string previous = Pattern(0.5 / grid);
        for (int k = 1; k < grid; k++)
        {
            string current = Pattern((k + 0.5) / grid);
            if (current != previous) changes++;
            previous = current;
        }

        Assert.Equal(changes + 1, segments);
    }

    [Fact]
    public void SmoothModelsAndUnsupportedCombinationsAreRefusedNamingTheReason()
    {
        var engine = new Attributor<double>(Random(new SmoothMlp(), 9));
        var result = Enumerable.Repeat(42.0, SmoothMlp.InputSize).ToArray();
        var error = Assert.Throws<NotSupportedException>(() => engine.IntegratedGradients(new double[SmoothMlp.InputSize], 0, Baseline<double>.Zero, result, Exact));
        Assert.Contains("'tanh1'", error.Message);
        Assert.Contains("Gauss–Legendre", error.Message);
        Assert.All(result, v => Assert.Equal(42.0, v));

        var relu = new Attributor<double>(Random(new ReluMlp(), 10));
        Assert.Throws<ArgumentException>(() => relu.IntegratedGradients(new double[10], 0, Baseline<double>.Zero, new double[10], Exact with { Tolerance = 1e-3 }));
        Assert.Throws<NotSupportedException>(() => relu.PatchIntegratedGradients(ReluMlp.LayerIndex.relu1, [InputRegion.Range(0, 5)], new double[10], 0, Baseline<double>.Zero, new double[16], Exact));
    }

    [Fact]
    public void FloatModelsRunTheExactRuleToFloatRounding()
    {
        var model = new ReluCnnFloat();
        var random = new Random(11);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (float)((random.NextDouble() * 2 - 1) * 0.6);
        var engine = new Attributor<float>(model);
        var x = BruteForce.RandomVector(3 * ReluCnnFloat.InputSize, 12, 2).Select(v => (float)v).ToArray();
        var ig = new float[x.Length];
        var report = engine.IntegratedGradients(x, 1, Baseline<float>.Zero, ig, Exact, new float[3]);
        Assert.True(report.MaxRelativeQuadratureError < 1e-4, $"{report.MaxRelativeQuadratureError:E2}");
    }
}
