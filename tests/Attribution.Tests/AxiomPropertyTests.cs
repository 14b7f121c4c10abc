using Axon.Attribution.Tests.Generated;
using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>
/// The axioms of Integrated Gradients (the rigorous IG study) as properties of generated models, over seeded random
/// parameters, inputs and baselines: sensitivity, implementation invariance, completeness, and NDP (non-decreasing
/// positivity: a function non-decreasing from x′ to x gets no negative attribution) where its premise holds.
/// </summary>
public sealed class AxiomPropertyTests
{
    private static readonly IntegrationOptions Fine = new() { Rule = IntegrationRule.GaussLegendre, Steps = 64 };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SensitivityAnInputThatAloneChangesTheOutputGetsAllOfTheChange(int seed)
    {
        var model = Randomised(new AxSmooth(), seed);
        var baseline = BruteForce.RandomVector(5, seed + 10, 1);
        for (int i = 0; i < 5; i++)
        {
            var x = (double[])baseline.Clone();
            x[i] += 1.5;
            double change = BruteForce.Score(model, x, 0) - BruteForce.Score(model, baseline, 0);
            Assert.True(Math.Abs(change) > 1e-6, $"seed {seed}: moving input {i} barely changes F; pick another seed");
            var ig = new double[5];
            new Attributor<double>(model).IntegratedGradients(x, 0, Baseline<double>.Shared(baseline), ig, Fine);
            for (int j = 0; j < 5; j++)
            {
                if (j == i) Assert.True(Math.Abs(ig[j] - change) <= 1e-9 * Math.Max(1, Math.Abs(change)), $"input {i}: IG {ig[j]} vs ΔF {change}");
                else Assert.Equal(0.0, ig[j]); // it did not move: exactly nothing
            }
        }
    }

    [Fact]
    public void SensitivityAnInputTheFunctionIgnoresGetsNothing()
    {
        // Input 2 reaches nothing: its column of fc1's weight is zero.
        var model = Randomised(new AxSmooth(), 7);
        var weight = model.ParameterTensors.Single(t => t.Name == "fc1.weight");
        for (int j = 0; j < 7; j++) model.Parameters[weight.Offset + j * 5 + 2] = 0;
        var x = BruteForce.RandomVector(3 * 5, 8, 2);
        var ig = new double[3 * 5];
        new Attributor<double>(model).IntegratedGradients(x, 1, Baseline<double>.Zero, ig, Fine);
        for (int b = 0; b < 3; b++)
        {
            Assert.Equal(0.0, ig[b * 5 + 2]);
            Assert.Contains(ig.Skip(b * 5).Take(5), v => Math.Abs(v) > 1e-3);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ImplementationInvarianceTwoNetworksComputingTheSameFunctionGetTheSameAttributions(int seed)
    {
        var plain = Randomised(new AxPlain(), seed);
        var rewritten = new AxRewritten();
        rewritten.Parameters.Clear(); // the identity's off-diagonal entries stay zero

        // The same fc1 and fc2, an identity in between, and the hidden units listed in another order.
        int[] order = [3, 0, 5, 1, 4, 2];
        var p = plain.ParameterTensors.ToDictionary(t => t.Name);
        var r = rewritten.ParameterTensors.ToDictionary(t => t.Name);
        for (int h = 0; h < 6; h++)
        {
            int source = order[h];
            for (int i = 0; i < 4; i++) rewritten.Parameters[r["fc1.weight"].Offset + h * 4 + i] = plain.Parameters[p["fc1.weight"].Offset + source * 4 + i];
            rewritten.Parameters[r["fc1.bias"].Offset + h] = plain.Parameters[p["fc1.bias"].Offset + source];
            rewritten.Parameters[r["same.weight"].Offset + h * 6 + h] = 1;
            for (int o = 0; o < 2; o++) rewritten.Parameters[r["fc2.weight"].Offset + o * 6 + h] = plain.Parameters[p["fc2.weight"].Offset + o * 6 + source];
        }

        plain.Parameters.Slice(p["fc2.bias"].Offset, 2).CopyTo(rewritten.Parameters.Slice(r["fc2.bias"].Offset, 2));
        var x = BruteForce.RandomVector(6 * 4, seed + 20, 2);
        var baseline = BruteForce.RandomVector(4, seed + 30, 1);

        // The premise: the two compute the same function.
        for (int b = 0; b < 6; b++)
        {
            var row = x.AsSpan(b * 4, 4);
            Check.Close(BruteForce.Output(plain, row), BruteForce.Output(rewritten, row), 1e-14, "the two networks' outputs");
        }

        var first = new double[6 * 4];
        var second = new double[6 * 4];
        new Attributor<double>(plain).IntegratedGradients(x, 1, Baseline<double>.Shared(baseline), first, Fine);
        new Attributor<double>(rewritten).IntegratedGradients(x, 1, Baseline<double>.Shared(baseline), second, Fine);
        Check.Close(first, second, 1e-12, "IG of the two implementations");
        Assert.Contains(first, v => Math.Abs(v) > 1e-3);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void CompletenessAttributionsSumToTheChangeOfTheOutput(int seed)
    {
        // Piecewise linear: the exact rule integrates it exactly; smooth: Gauss–Legendre converges fast.
        foreach (var (model, options) in new (IDifferentiableModel<double>, IntegrationOptions)[]
                 {
                     (Randomised(new AxPlain(), seed), new IntegrationOptions { Rule = IntegrationRule.Exact }),
                     (Randomised(new AxSmooth(), seed), Fine),
                 })
        {
            var x = BruteForce.RandomVector(4 * model.InputSize, seed + 40, 2);
            var baseline = BruteForce.RandomVector(model.InputSize, seed + 50, 1);
            var ig = new double[x.Length];
            new Attributor<double>(model).IntegratedGradients(x, 0, Baseline<double>.Shared(baseline), ig, options);
            for (int b = 0; b < 4; b++)
            {
                double change = BruteForce.Score(model, x.AsSpan(b * model.InputSize, model.InputSize), 0) - BruteForce.Score(model, baseline, 0);
                Check.Close(change, Check.Sum(ig.AsSpan(b * model.InputSize, model.InputSize)), 1e-9, $"{model.Name}, input {b}: Σ IG = F(x) − F(x′)");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void NdpANetworkNonDecreasingFromTheBaselineToTheInputGetsNoNegativeAttribution(int seed)
    {
        // Non-negative weights and monotone activations: F is non-decreasing in every input, and x ≥ x′ element-wise,
        // so F is non-decreasing along the path (the premise); every IG and every neuron's conductance is then ≥ 0.
        var model = Randomised(new AxMonotone(), seed);
        foreach (var tensor in model.ParameterTensors.Where(t => t.Name.EndsWith(".weight", StringComparison.Ordinal)))
        {
            var w = model.Parameters.Slice(tensor.Offset, tensor.Length);
            for (int i = 0; i < w.Length; i++) w[i] = Math.Abs(w[i]);
        }

        var baseline = BruteForce.RandomVector(5, seed + 60, 1);
        var steps = BruteForce.RandomVector(8 * 5, seed + 70, 1);
        var x = new double[8 * 5];
        for (int k = 0; k < x.Length; k++) x[k] = baseline[k % 5] + Math.Abs(steps[k]);

        var engine = new Attributor<double>(model);
        var ig = new double[x.Length];
        engine.IntegratedGradients(x, 0, Baseline<double>.Shared(baseline), ig, Fine);
        Assert.All(ig, v => Assert.True(v >= 0, $"IG {v} < 0 on a non-decreasing path"));
        foreach (string layer in new[] { "act1", "act2" })
        {
            var handle = model.Layers.Single(l => l.Name == layer);
            var conductance = new double[8 * handle.Size];
            engine.LayerConductance(handle.Index, x, 0, Baseline<double>.Shared(baseline), conductance, Fine);
            Assert.All(conductance, v => Assert.True(v >= -1e-15, $"{layer}: conductance {v} < 0 on a non-decreasing path"));
        }

        // The premise matters: moving one input down (x₀ < x′₀) makes its attribution negative.
        var down = (double[])baseline.Clone();
        down[0] -= 1;
        var single = new double[5];
        engine.IntegratedGradients(down, 0, Baseline<double>.Shared(baseline), single, Fine);
        Assert.True(single[0] <= 0, $"IG {single[0]} of an input that moved down");
    }

    /// <summary>Uniform parameters in ±0.8, seeded.</summary>
    private static T Randomised<T>(T model, int seed) where T : IDifferentiableModel<double>
    {
        var random = new Random(seed);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (random.NextDouble() * 2 - 1) * 0.8;
        return model;
    }
}
