using Axon.Model;
using static Axon.Attribution.Tests.LayerLists.ChainNetwork;

namespace Axon.Attribution.Tests.OnePass;

/// <summary>
/// Layer conductance over the list [input, tanh1] on the hand-written chain network (LayerLists/ChainNetwork): the input's
/// block is Integrated Gradients and tanh1's block its conductance, both from one path pass, checked against sums written
/// out here from the chain rule by hand — for a Riemann rule the very sum the rule makes (nodes and weights written here),
/// for Gauss–Legendre a 4000-step midpoint integral — together with the quadrature error Σₖ wₖ ∇F(γ(αₖ))·(x − x′) − ΔF
/// and each block's completeness gap. Double and float, affine prefix (fc1) on and off, a chunk of 5 rows so that paths
/// straddle chunks.
/// </summary>
public sealed class ChainOnePassTests
{
    private const int Input = 0;
    private const int Width = 3; // the input and tanh1 are both 3 wide
    private const int Inputs = 2;

    private static Attributor<T> Engine<T>(bool prefix) where T : unmanaged, IFloatingPointIeee754<T>
    {
        IDifferentiableModel<T> model = typeof(T) == typeof(double)
            ? (IDifferentiableModel<T>)(object)Built<LayerLists.ChainNet, double>(new LayerLists.ChainNet())
            : (IDifferentiableModel<T>)(object)Built<LayerLists.ChainNetF, float>(new LayerLists.ChainNetF());
        return new Attributor<T>(model, stepBatch: 5) { UseAffinePrefix = prefix };
    }

    /// <summary>The nodes and weights of <paramref name="rule"/> on [0, 1], written out; Gauss–Legendre's stand-in is a fine midpoint sum.</summary>
    private static (double[] Alpha, double[] Weight) Nodes(IntegrationRule rule, int n)
    {
        switch (rule)
        {
            case IntegrationRule.RiemannLeft:
                return ([.. Enumerable.Range(0, n).Select(k => (double)k / n)], [.. Enumerable.Repeat(1.0 / n, n)]);
            case IntegrationRule.RiemannRight:
                return ([.. Enumerable.Range(1, n).Select(k => (double)k / n)], [.. Enumerable.Repeat(1.0 / n, n)]);
            case IntegrationRule.RiemannTrapezoid:
                return ([.. Enumerable.Range(0, n).Select(k => (double)k / (n - 1))], [.. Enumerable.Range(0, n).Select(k => (k == 0 || k == n - 1 ? 0.5 : 1.0) / (n - 1))]);
            default:
                const int fine = 4000;
                return ([.. Enumerable.Range(0, fine).Select(k => (k + 0.5) / fine)], [.. Enumerable.Repeat(1.0 / fine, fine)]);
        }
    }

    /// <summary>
    /// Per input, by hand: IGᵢ = Σₖ wₖ Δxᵢ ∂F/∂xᵢ(γₖ); Cond_j = Σₖ wₖ ∂F/∂a₁ⱼ(γₖ)·(1 − a₁ⱼ(γₖ)²)(W₁Δx)ⱼ; the quadrature error
    /// Σₖ wₖ ∇F(γₖ)·Δx − ΔF; and each block's Σ − ΔF. <paramref name="tanhFirst"/> puts tanh1's block first.
    /// </summary>
    private static (double[] Attributions, double[] Errors, double[] Gaps) Expected(double[] alpha, double[] weight, bool tanhFirst)
    {
        var attributions = new double[Inputs * 2 * Width];
        var errors = new double[Inputs];
        var gaps = new double[Inputs * 2];
        for (int b = 0; b < Inputs; b++)
        {
            var x = X.AsSpan(b * Width, Width).ToArray();
            var dx = x.Select((v, i) => v - Reference[i]).ToArray();
            var slope = new double[Width]; // dz₁/dα = W₁Δx
            for (int j = 0; j < Width; j++)
                for (int i = 0; i < Width; i++) slope[j] += W1[j * Width + i] * dx[i];
            var ig = new double[Width];
            var conductance = new double[Width];
            double integral = 0;
            for (int k = 0; k < alpha.Length; k++)
            {
                var point = Lerp(Reference, x, alpha[k]);
                var gradients = Gradients(point);
                var a1 = Values(point)[2];
                for (int i = 0; i < Width; i++)
                {
                    ig[i] += weight[k] * dx[i] * gradients[0][i];
                    integral += weight[k] * gradients[0][i] * dx[i];
                    conductance[i] += weight[k] * gradients[2][i] * (1 - a1[i] * a1[i]) * slope[i];
                }
            }

            double change = F(x) - F(Reference);
            errors[b] = integral - change;
            var (first, second) = tanhFirst ? (conductance, ig) : (ig, conductance);
            first.CopyTo(attributions, b * 2 * Width);
            second.CopyTo(attributions, b * 2 * Width + Width);
            gaps[2 * b] = first.Sum() - change;
            gaps[2 * b + 1] = second.Sum() - change;
        }

        return (attributions, errors, gaps);
    }

    public static TheoryData<IntegrationRule, int, bool> Cases => new()
    {
        { IntegrationRule.GaussLegendre, 24, true },
        { IntegrationRule.GaussLegendre, 24, false },
        { IntegrationRule.RiemannRight, 4, true },
        { IntegrationRule.RiemannRight, 4, false },
        { IntegrationRule.RiemannTrapezoid, 6, true },
        { IntegrationRule.RiemannTrapezoid, 6, false },
        { IntegrationRule.RiemannLeft, 7, true },
    };

    [Theory, MemberData(nameof(Cases))]
    public void Input_and_tanh1_in_one_pass_match_the_hand_written_sums_double(IntegrationRule rule, int steps, bool prefix) => Run<double>(rule, steps, prefix);

    [Theory, MemberData(nameof(Cases))]
    public void Input_and_tanh1_in_one_pass_match_the_hand_written_sums_float(IntegrationRule rule, int steps, bool prefix) => Run<float>(rule, steps, prefix);

    private static void Run<T>(IntegrationRule rule, int steps, bool prefix) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Riemann sums are compared with the same sum written out: rounding only (double 1e-12; float 1e-5, its ~1e-7 rounding
        // summed over a handful of steps and three layers). Gauss–Legendre with 24 nodes is converged on this smooth chain, so it
        // is compared with the 4000-step midpoint integral, whose own error is about 1e-8.
        bool gauss = rule == IntegrationRule.GaussLegendre;
        double tolerance = typeof(T) == typeof(double) ? (gauss ? 1e-7 : 1e-12) : 1e-5;
        var engine = Engine<T>(prefix);
        Assert.Equal(Fc1, engine.AffinePrefix);
        var x = Cast<T>(X);
        var baseline = Baseline<T>.Shared(Cast<T>(Reference));
        var options = new IntegrationOptions { Rule = rule, Steps = steps };
        var (alpha, weight) = Nodes(rule, steps);

        foreach (bool tanhFirst in new[] { false, true })
        {
            int[] layers = tanhFirst ? [Tanh1, Input] : [Input, Tanh1];
            var attributions = new T[Inputs * 2 * Width];
            var errors = new T[Inputs];
            var gaps = new T[Inputs * 2];
            var report = engine.LayerConductance(layers, x, 0, baseline, attributions, options, errors, gaps);
            var expected = Expected(alpha, weight, tanhFirst);
            string what = $"{rule} n={steps}, prefix {prefix}, {(tanhFirst ? "[tanh1, input]" : "[input, tanh1]")}";
            Check.Close(expected.Attributions, Double<T>(attributions), tolerance, what + ": attributions");
            Check.Close(expected.Errors, Double<T>(errors), tolerance, what + ": quadrature errors");
            Check.Close(expected.Gaps, Double<T>(gaps), tolerance, what + ": completeness gaps");
            Assert.Equal(steps, report.Steps);
            Assert.Equal(Completeness.Holds, report.Completeness);

            // A coarse Riemann rule leaves a real quadrature error, so the checks above are not comparing zeros.
            if (!gauss) Assert.Contains(expected.Errors, e => Math.Abs(e) > 1e-4);
        }
    }

    [Fact]
    public void The_input_block_is_the_IG_call_and_the_tanh1_block_the_conductance_call()
    {
        foreach (bool prefix in new[] { true, false })
        {
            var engine = Engine<double>(prefix);
            var baseline = Baseline<double>.Shared(Reference);
            var options = new IntegrationOptions { Rule = IntegrationRule.RiemannTrapezoid, Steps = 5 };
            var ig = new double[Inputs * Width];
            var igErrors = new double[Inputs];
            var conductance = new double[Inputs * Width];
            var conductanceErrors = new double[Inputs];
            engine.IntegratedGradients(X, 0, baseline, ig, options, igErrors);
            engine.LayerConductance(Tanh1, X, 0, baseline, conductance, options, conductanceErrors);

            int[] layers = [Input, Tanh1];
            var both = new double[Inputs * 2 * Width];
            var errors = new double[Inputs];
            var gaps = new double[Inputs * 2];
            engine.LayerConductance(layers, X, 0, baseline, both, options, errors, gaps);
            for (int b = 0; b < Inputs; b++)
            {
                Check.Close(ig.AsSpan(b * Width, Width), both.AsSpan(b * 2 * Width, Width), 1e-14, $"IG block, prefix {prefix}");
                Check.Close(conductance.AsSpan(b * Width, Width), both.AsSpan(b * 2 * Width + Width, Width), 1e-14, $"tanh1 block, prefix {prefix}");
                Check.Close(igErrors[b], errors[b], 1e-14, "quadrature error = IG's");
                Check.Close(igErrors[b], gaps[2 * b], 1e-14, "input gap = IG's delta");
                Check.Close(conductanceErrors[b], gaps[2 * b + 1], 1e-14, "tanh1 gap = conductance's delta");
            }
        }
    }
}
