using Axon.Attribution.Tests.Generated;
using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>
/// The exact rule on networks made of the affine kinds added after its first release (grouped, depthwise and transposed
/// convolution, nearest and bilinear upsampling, identity, dropout, padded pooling with stride ≠ kernel, the position
/// tables): the generator lets them through, completeness holds to 1e-12 relative in double, and every path method
/// agrees with Gauss–Legendre at a large n — the integrand (the gradient) jumps at every breakpoint, so GL converges only
/// like 1/n: the bound is GL's error at n = 4,096, and GL must move towards the exact result as n grows. Float runs to
/// float rounding.
/// </summary>
public class ExactKindsTests
{
    private static readonly IntegrationOptions Exact = new() { Rule = IntegrationRule.Exact };
    private static readonly IntegrationOptions Fine = new() { Rule = IntegrationRule.GaussLegendre, Steps = 4096 };
    private static readonly IntegrationOptions Coarse = new() { Rule = IntegrationRule.GaussLegendre, Steps = 256 };

    private static TModel Seeded<TModel>(TModel model, int seed) where TModel : IDifferentiableModel<double>
    {
        var random = new Random(seed);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (random.NextDouble() * 2 - 1) * 0.6;
        return model;
    }

    public static TheoryData<string> Models => new() { nameof(ExactConvFamily), nameof(ExactPositional) };

    private static IDifferentiableModel<double> Create(string name) =>
        name == nameof(ExactConvFamily) ? Seeded(new ExactConvFamily(), 21) : Seeded(new ExactPositional(), 22);

    [Fact]
    public void TheGeneratorCallsTheNewAffineKindsPiecewiseLinear()
    {
        Assert.True(ExactConvFamily.IsPiecewiseLinear);
        Assert.True(ExactPositional.IsPiecewiseLinear);
        var facts = (INetworkFacts)new ExactConvFamily();
        Assert.Empty(facts.SmoothNodes);
        Assert.Equal([ExactConvFamily.LayerIndex.relu1.Index, ExactConvFamily.LayerIndex.relu2.Index, ExactConvFamily.LayerIndex.pool.Index, ExactConvFamily.LayerIndex.leaky.Index],
                     facts.BreakingNodes);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void CompletenessHoldsTo1e12(string name)
    {
        var model = Create(name);
        var engine = new Attributor<double>(model);
        int n = model.InputSize, count = 4;
        var x = BruteForce.RandomVector(count * n, 31, 2);
        var baseline = BruteForce.RandomVector(n, 32, 0.5);
        var ig = new double[x.Length];
        var errors = new double[count];
        var report = engine.IntegratedGradients(x, 1, Baseline<double>.Shared(baseline), ig, Exact, errors);
        Assert.True(report.MaxRelativeQuadratureError < 1e-12, $"{name}: {report.MaxRelativeQuadratureError:E2}");
        Assert.True(report.Steps > 2, $"{name}: only {report.Steps} segment(s): the test would not exercise the walk");

        // Completeness checked independently: Σ IG against F(x) − F(x′) from plain forwards.
        var ws = model.CreateWorkspace(1);
        var output = new double[model.OutputSize];
        model.Forward(ws, baseline, 1, output);
        double reference = output[1];
        for (int b = 0; b < count; b++)
        {
            model.Forward(ws, x.AsSpan(b * n, n), 1, output);
            double change = output[1] - reference, sum = ig.AsSpan(b * n, n).ToArray().Sum();
            Assert.True(Math.Abs(sum - change) <= 1e-12 * Math.Abs(change), $"{name}[{b}]: Σ IG {sum:R}, ΔF {change:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void EveryPathMethodAgreesWithGaussLegendreAtLargeN(string name)
    {
        var model = Create(name);
        var engine = new Attributor<double>(model);
        var x = BruteForce.RandomVector(2 * model.InputSize, 41, 2);
        var layers = model.Layers;
        int relu = layers.First(l => l.Kind == LayerKind.ReLU).Index, last = layers.Count - 3;

        void Same(int size, Action<double[], IntegrationOptions> method, string what)
        {
            var exact = new double[size];
            var reference = new double[size];
            var coarse = new double[size];
            method(exact, Exact);
            method(reference, Fine);
            method(coarse, Coarse);
            double scale = reference.Max(Math.Abs);
            Assert.True(scale > 0, $"{name} {what}: all zero");
            // A GL node at n = 4096 weighs up to π/(2·4096) ≈ 3.8e-4 of the path, so each jump of the gradient can leave up to
            // about that share of itself misplaced, and the jumps of a few hundred segments add up: a bound of 2e-3 of the
            // largest attribution (measured: up to 1.3e-3 on these networks, where the midpoint rule at n = 4096 is 3.6e-4 off).
            for (int i = 0; i < size; i++) Assert.True(Math.Abs(exact[i] - reference[i]) <= 2e-3 * scale, $"{name} {what}[{i}]: {exact[i]} vs {reference[i]}");
            double fineGap = exact.Zip(reference, (a, b) => Math.Abs(a - b)).Sum(), coarseGap = exact.Zip(coarse, (a, b) => Math.Abs(a - b)).Sum();
            double rounding = 1e-12 * reference.Sum(Math.Abs); // where the integrand has no jump (a layer above every break) both are exact
            Assert.True(fineGap < coarseGap / 4 || fineGap <= rounding, $"{name} {what}: GL at n = 4096 is {fineGap:E2} from the exact result, at n = 256 {coarseGap:E2}");
        }

        Same(x.Length, (r, o) => engine.IntegratedGradients(x, 2, Baseline<double>.Zero, r, o), "IG");
        Same(2 * (layers[relu].Size + layers[last].Size), (r, o) => engine.LayerConductance([relu, last], x, 2, Baseline<double>.Zero, r, o), "conductance");
        Same(x.Length, (r, o) => engine.NeuronConductance(relu, [0, 3, 7], x, 2, Baseline<double>.Zero, r, o), "neuron conductance");
        Same(2 * layers[relu].Size, (r, o) => engine.InternalInfluence(relu, x, 2, Baseline<double>.Zero, r, o), "influence");
    }

    [Fact]
    public void FloatRunsToFloatRounding()
    {
        var model = new ExactConvFamilyFloat();
        var random = new Random(51);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (float)((random.NextDouble() * 2 - 1) * 0.6);
        var engine = new Attributor<float>(model);
        var x = BruteForce.RandomVector(3 * ExactConvFamilyFloat.InputSize, 52, 2).Select(v => (float)v).ToArray();
        var report = engine.IntegratedGradients(x, 1, Baseline<float>.Zero, new float[x.Length], Exact, new float[3]);
        Assert.True(report.MaxRelativeQuadratureError < 1e-4, $"{report.MaxRelativeQuadratureError:E2}");
        Assert.True(report.Steps > 2);
    }
}
