using Axon.Model;

namespace Axon.Attribution.Tests.OnePass;

/// <summary>
/// The main job's test-set work in one path pass: layer conductance over [input, relu2] gives, on the Fashion CNN's layers
/// (MiniFashionCnn), Integrated Gradients in the input's block and relu2's conductance in the other, with IG's quadrature error
/// and both completeness gaps — the same values, to rounding, as the two separate calls the run made before, for
/// Gauss–Legendre, two Riemann rules and the adaptive mode, with the affine prefix (conv1) on and off, in double and float;
/// and in double the same values as central differences of the network's forward pass (BruteForce).
/// </summary>
public sealed class TestSetOnePassTests
{
    private const int Images = 5;
    private static readonly int[] Classes = [0, 1, 2, 3, 4];

    private static TModel Seeded<TModel, T>(TModel model, int seed) where TModel : IDifferentiableModel<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = T.CreateChecked((random.NextDouble() * 2 - 1) * 0.5);
        return model;
    }

    /// <summary>Pixel-like inputs in [0, 1), as the main job's images.</summary>
    private static T[] Pixels<T>(int count, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count * 64).Select(_ => T.CreateChecked(random.NextDouble()))];
    }

    /// <summary>
    /// max |a − b| ≤ tolerance · scale, the scale max |b| unless given (a relative check; the values here are far from zero as a
    /// whole). Deltas are measured against |F(x) − F(x′)|, the size of the sums whose rounding they carry.
    /// </summary>
    private static void Relative<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, double tolerance, string what, double scale = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        bool given = scale > 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (!given) scale = Math.Max(scale, Math.Abs(double.CreateChecked(expected[i])));
            worst = Math.Max(worst, Math.Abs(double.CreateChecked(expected[i]) - double.CreateChecked(actual[i])));
        }

        Assert.True(scale > 0, what + ": all zero");
        Assert.True(worst <= tolerance * scale, $"{what}: max error {worst:E3}, allowed {tolerance * scale:E3} ({tolerance:E1} × {scale:E3})");
    }

    public static TheoryData<IntegrationRule, int, double, bool> Cases => new()
    {
        { IntegrationRule.GaussLegendre, 50, 0, true },
        { IntegrationRule.GaussLegendre, 50, 0, false },
        { IntegrationRule.RiemannRight, 20, 0, true },
        { IntegrationRule.RiemannRight, 20, 0, false },
        { IntegrationRule.RiemannTrapezoid, 21, 0, true },
        { IntegrationRule.RiemannTrapezoid, 21, 0, false },
        { IntegrationRule.GaussLegendre, 4, 1e-3, true }, // the adaptive mode, as the main job's default (1%) but tighter
        { IntegrationRule.GaussLegendre, 4, 1e-3, false },
    };

    [Theory, MemberData(nameof(Cases))]
    public void One_pass_equals_the_two_calls_double(IntegrationRule rule, int steps, double tolerance, bool prefix) =>
        SameAsTwoCalls(Seeded<MiniFashionCnn, double>(new MiniFashionCnn(), 3), MiniFashionCnn.LayerIndex.input, MiniFashionCnn.LayerIndex.relu2, rule, steps, tolerance, prefix, 1e-12);

    [Theory, MemberData(nameof(Cases))]
    public void One_pass_equals_the_two_calls_float(IntegrationRule rule, int steps, double tolerance, bool prefix) =>
        SameAsTwoCalls(Seeded<MiniFashionCnnF, float>(new MiniFashionCnnF(), 3), MiniFashionCnnF.LayerIndex.input, MiniFashionCnnF.LayerIndex.relu2, rule, steps, tolerance, prefix, 1e-5);

    /// <summary>
    /// IG and relu2's conductance from the two calls, then from one call over [input, relu2]: blocks, IG's quadrature error
    /// and both completeness gaps must agree within <paramref name="relative"/> of the largest value (rounding: the passes add
    /// the same terms, in chunks that differ only by what each pass carries).
    /// </summary>
    private static void SameAsTwoCalls<T>(IDifferentiableModel<T> model, LayerHandle input, LayerHandle relu2, IntegrationRule rule, int steps, double tolerance, bool prefix, double relative)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var engine = new Attributor<T>(model, stepBatch: 37) { UseAffinePrefix = prefix };
        Assert.Equal(1, engine.AffinePrefix); // conv1
        Assert.True(model.Layers[relu2.Index].IsCut);
        int n = model.InputSize, size = model.Layers[relu2.Index].Size;
        var x = Pixels<T>(Images, 17);
        AttributionTarget<T> target = AttributionTarget<T>.Classes(Classes);
        var options = new IntegrationOptions { Rule = rule, Steps = steps, Tolerance = tolerance, MaxSteps = 256 };
        string what = $"{rule} n={steps} tolerance {tolerance}, prefix {prefix}";

        var ig = new T[Images * n];
        var igErrors = new T[Images];
        var conductance = new T[Images * size];
        var conductanceErrors = new T[Images];
        var igReport = engine.IntegratedGradients(x, target, Baseline<T>.Zero, ig, options, igErrors);
        var conductanceReport = engine.LayerConductance(relu2, x, target, Baseline<T>.Zero, conductance, options, conductanceErrors);

        var both = new T[Images * (n + size)];
        var errors = new T[Images];
        var gaps = new T[Images * 2];
        var report = engine.LayerConductance([input, relu2], x, target, Baseline<T>.Zero, both, options, errors, gaps);

        var igBlock = new T[Images * n];
        var conductanceBlock = new T[Images * size];
        var inputGaps = new T[Images];
        var relu2Gaps = new T[Images];
        for (int b = 0; b < Images; b++)
        {
            both.AsSpan(b * (n + size), n).CopyTo(igBlock.AsSpan(b * n, n));
            both.AsSpan(b * (n + size) + n, size).CopyTo(conductanceBlock.AsSpan(b * size, size));
            inputGaps[b] = gaps[2 * b];
            relu2Gaps[b] = gaps[2 * b + 1];
        }

        Relative<T>(ig, igBlock, relative, what + ": IG block");
        Relative<T>(conductance, conductanceBlock, relative, what + ": relu2 block");
        double change = 0; // max |F(x) − F(x′)| = max |Σ IG − δ|
        for (int b = 0; b < Images; b++)
        {
            double sum = 0;
            foreach (var v in ig.AsSpan(b * n, n)) sum += double.CreateChecked(v);
            change = Math.Max(change, Math.Abs(sum - double.CreateChecked(igErrors[b])));
        }

        Relative<T>(igErrors, errors, relative, what + ": quadrature error = IG's", change);
        Relative<T>(igErrors, inputGaps, relative, what + ": input gap = IG's delta", change);
        Relative<T>(conductanceErrors, relu2Gaps, relative, what + ": relu2 gap = conductance's delta", change);
        Assert.Equal(igReport.Steps, report.Steps);
        Assert.Equal(conductanceReport.Steps, report.Steps);
        Assert.Equal(Completeness.Holds, report.Completeness);
        Assert.True(report.DeltaIsCompletenessGap);
        if (tolerance > 0) Assert.True(report.Steps > steps, "the adaptive mode raised n");
        else Assert.Equal(steps, report.Steps);
    }

    [Fact]
    public void One_pass_matches_central_differences_of_the_forward_pass()
    {
        // The midpoint rule at 12 nodes against BruteForce's midpoint sums of central differences (no Backward, no Tangent):
        // the same 12 nodes, so only the differences' error (about 1e-9 here) separates them.
        var model = Seeded<MiniFashionCnn, double>(new MiniFashionCnn(), 3);
        var x = Pixels<double>(1, 23);
        var zero = new double[64];
        int size = model.Layers[MiniFashionCnn.LayerIndex.relu2].Size;
        const int target = 2, steps = 12;
        var expectedIg = BruteForce.IntegratedGradients(model, x, zero, target, steps);
        var expectedConductance = BruteForce.RowSums(BruteForce.ConductanceMatrix(model, MiniFashionCnn.LayerIndex.relu2, x, zero, target, steps));
        double change = BruteForce.Score(model, x, target) - BruteForce.Score(model, zero, target);
        foreach (bool prefix in new[] { true, false })
        {
            var engine = new Attributor<double>(model, stepBatch: 5) { UseAffinePrefix = prefix };
            var both = new double[64 + size];
            var errors = new double[1];
            var gaps = new double[2];
            engine.LayerConductance([MiniFashionCnn.LayerIndex.input, MiniFashionCnn.LayerIndex.relu2], x, target, Baseline<double>.Zero, both,
                new IntegrationOptions { Rule = IntegrationRule.RiemannMiddle, Steps = steps }, errors, gaps);
            Check.Close(expectedIg, both.AsSpan(0, 64), 1e-6, $"IG, prefix {prefix}");
            Check.Close(expectedConductance, both.AsSpan(64, size), 1e-6, $"relu2 conductance, prefix {prefix}");
            Check.Close(expectedIg.Sum() - change, errors[0], 1e-6, "quadrature error");
            Check.Close(expectedIg.Sum() - change, gaps[0], 1e-6, "input gap");
            Check.Close(expectedConductance.Sum() - change, gaps[1], 1e-6, "relu2 gap");
            Assert.Contains(expectedConductance, v => Math.Abs(v) > 1e-3);
        }
    }
}
