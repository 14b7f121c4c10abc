namespace Axon.Attribution.Tests;

/// <summary>The affine-prefix path gives the step-by-step results to rounding, for every path method.</summary>
public class AffinePrefixTests
{
    internal static void AssertSameWithAndWithoutPrefix<TModel>(TModel model, int expectedPrefix, int seed) where TModel : Axon.Model.IDifferentiableModel<double>
    {
        var fast = new Attributor<double>(model, stepBatch: 11);
        var slow = new Attributor<double>(model, stepBatch: 11) { UseAffinePrefix = false };
        Assert.Equal(expectedPrefix, fast.AffinePrefix);
        int n = model.InputSize, count = 3, layers = model.Layers.Count;
        var x = BruteForce.RandomVector(count * n, seed, 1.5);
        var set = BruteForce.RandomVector(4 * n, seed + 1, 0.5);
        int[] targets = [0, 1, 0];
        var options = new IntegrationOptions { Steps = 9 };

        void Compare(string what, Func<Attributor<double>, double[], double[], AttributionReport> run, int size)
        {
            var a = new double[count * size];
            var b = new double[count * size];
            var da = new double[count];
            var db = new double[count];
            var ra = run(fast, a, da);
            var rb = run(slow, b, db);
            Check.Close(b, a, 1e-12, what);
            Check.Close(db, da, 1e-11, what + " deltas");
            Assert.Equal(rb.Steps, ra.Steps);
        }

        Compare("IG", (e, r, d) => e.IntegratedGradients(x, targets, Baseline<double>.Distribution(set, 2, seed: 4), r, options, d), n);
        for (int layer = 0; layer < layers; layer++)
        {
            int size = model.Layers[layer].Size, l = layer;
            Compare($"conductance {l}", (e, r, d) => e.LayerConductance(l, x, targets, Baseline<double>.Shared(set.AsSpan(0, n)), r, options, d), size);
            Compare($"influence {l}", (e, r, d) => e.InternalInfluence(l, x, targets, Baseline<double>.Distribution(set), r, options, d), size);
            Compare($"neuron {l}", (e, r, d) => e.NeuronConductance(l, [0, size - 1], x, targets, Baseline<double>.PerInput(set.AsSpan(0, count * n)), r, options, d), n);
            foreach (var rule in new[] { IntegrationRule.RiemannLeft, IntegrationRule.RiemannRight, IntegrationRule.RiemannTrapezoid })
            {
                // The difference form: at layers up to the prefix it runs as the tangent form with the matching rule.
                var difference = new IntegrationOptions { Rule = rule, Steps = 7, PathForm = LayerPathForm.Difference };
                var a = new double[count * size];
                var b = new double[count * size];
                fast.LayerConductance(l, x, targets, Baseline<double>.Shared(set.AsSpan(0, n)), a, difference);
                slow.LayerConductance(l, x, targets, Baseline<double>.Shared(set.AsSpan(0, n)), b, difference);
                Check.Close(b, a, 1e-12, $"difference form {rule} {l}");
            }

            InputRegion[] regions = [InputRegion.Range(0, 2), InputRegion.Range(2, n - 2)];
            Compare($"patch {l}", (e, r, d) => e.PatchIntegratedGradients(l, regions, x, targets, Baseline<double>.Zero, r, options, d), 2 * size);
        }

        int total = model.Layers[0].Size + model.Layers[expectedPrefix].Size;
        Compare("conductance 0 + prefix", (e, r, d) => e.LayerConductance([expectedPrefix, 0], x, targets, Baseline<double>.Zero, r, options, d), total);
        var adaptive = new IntegrationOptions { Steps = 2, Tolerance = 1e-9 };
        Compare("adaptive IG", (e, r, d) => e.IntegratedGradients(x, targets, Baseline<double>.Zero, r, adaptive, d), n);
    }

    [Fact]
    public void HandModelWithADenseFirstLayer()
    {
        AssertSameWithAndWithoutPrefix(new HandModel<double>(5, 6, 2, HandModel<double>.Act.Tanh), expectedPrefix: 1, seed: 3);
        AssertSameWithAndWithoutPrefix(new HandModel<double>(5, 6, 2, HandModel<double>.Act.Relu), expectedPrefix: 1, seed: 5);
    }

    [Fact]
    public void GeneratedPrefixThroughChannelsAConstantFactorAndSubtraction()
    {
        var model = new Generated.AffineOpsNet();
        var random = new Random(8);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = random.NextDouble() - 0.5;
        Assert.Equal(Axon.Model.LayerKind.Subtract, model.Layers[5].Kind);
        AssertSameWithAndWithoutPrefix(model, expectedPrefix: 5, seed: 7);
    }

    [Fact]
    public void NoPrefixWhenTheFirstAffineLayerIsBypassed()
    {
        var engine = new Attributor<double>(new HandModel<double>(5, 5, 2, HandModel<double>.Act.Tanh, residual: true));
        Assert.Equal(0, engine.AffinePrefix);
    }
}
