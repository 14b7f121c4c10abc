using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>The algorithms on a hand-written network, against brute force (Forward and finite differences only).</summary>
public class HandModelTests
{
    private static readonly IntegrationOptions Gauss = new() { Rule = IntegrationRule.GaussLegendre, Steps = 32 };

    public static TheoryData<HandModel<double>.Act, bool> Smooth => new()
    {
        { HandModel<double>.Act.Tanh, false },
        { HandModel<double>.Act.Softplus, false },
        { HandModel<double>.Act.Tanh, true },
    };

    [Theory]
    [MemberData(nameof(Smooth))]
    public void IntegratedGradientsMatchBruteForceAndAreComplete(HandModel<double>.Act act, bool residual)
    {
        var model = new HandModel<double>(5, 5, 3, act, residual);
        var x = BruteForce.RandomVector(10, 3, 1.5);          // two inputs
        var baseline = BruteForce.RandomVector(5, 4, 0.5);
        var engine = new Attributor<double>(model, stepBatch: 7); // chunks cut through paths
        var ig = new double[10];
        var deltas = new double[2];
        var report = engine.IntegratedGradients(x, 2, Baseline<double>.Shared(baseline), ig, Gauss, deltas);
        Assert.True(report.Converged);

        for (int b = 0; b < 2; b++)
        {
            var xb = x[(b * 5)..(b * 5 + 5)];
            var expected = BruteForce.IntegratedGradients(model, xb, baseline, 2, 2000);
            Check.Close(expected, ig.AsSpan(b * 5, 5), 1e-6, "IG vs brute force");
            double change = BruteForce.Score(model, xb, 2) - BruteForce.Score(model, baseline, 2);
            Check.Close(change, Check.Sum(ig.AsSpan(b * 5, 5)), 1e-12, "completeness");
            Assert.True(Math.Abs(deltas[b]) <= 1e-12 * Math.Abs(change), $"delta {deltas[b]}");
        }
    }

    [Theory]
    [MemberData(nameof(Smooth))]
    public void LayerAndNeuronConductanceMatchTheChainRuleDefinition(HandModel<double>.Act act, bool residual)
    {
        var model = new HandModel<double>(4, 4, 3, act, residual);
        var x = BruteForce.RandomVector(4, 11, 1.5);
        var baseline = BruteForce.RandomVector(4, 12, 0.3);
        var engine = new Attributor<double>(model, stepBatch: 5);
        double change = BruteForce.Score(model, x, 1) - BruteForce.Score(model, baseline, 1);
        for (int layer = 1; layer < model.Layers.Count; layer++)
        {
            int size = model.Layers[layer].Size;
            var conductance = new double[size];
            var deltas = new double[1];
            engine.LayerConductance(layer, x, 1, Baseline<double>.Shared(baseline), conductance, Gauss, deltas);
            var matrix = BruteForce.ConductanceMatrix(model, layer, x, baseline, 1, 1000);
            Check.Close(BruteForce.RowSums(matrix), conductance, 2e-6, $"layer {layer} conductance vs Σᵢ (xᵢ − x′ᵢ)∫∂F/∂y ∂y/∂xᵢ");

            // The delta is the path quadrature error whether or not the layer is a cut.
            Assert.True(Math.Abs(deltas[0]) <= 1e-12 * Math.Abs(change), $"layer {layer}: delta {deltas[0]}");
            if (model.Layers[layer].IsCut) Check.Close(change, Check.Sum(conductance), 1e-12, $"layer {layer} completeness");
            else Assert.True(Math.Abs(Check.Sum(conductance) - change) > 1e-6, "a bypassed layer should not be complete");

            // Neuron conductance: each neuron's row of the matrix, summing to its total conductance.
            for (int j = 0; j < size; j++)
            {
                var through = new double[4];
                engine.NeuronConductance(layer, j, x, 1, Baseline<double>.Shared(baseline), through, Gauss);
                var row = Enumerable.Range(0, 4).Select(i => matrix[j, i]).ToArray();
                Check.Close(row, through, 2e-6, $"layer {layer} neuron {j} vs brute force");
                Check.Close(conductance[j], Check.Sum(through), 1e-12, $"layer {layer} neuron {j}: Σᵢ neuron conductance = total conductance");
            }

            // A set of neurons: the sum of their neuron conductances.
            var set = new double[4];
            engine.NeuronConductance(layer, [0, 2], x, 1, Baseline<double>.Shared(baseline), set, Gauss);
            var expectedSet = Enumerable.Range(0, 4).Select(i => matrix[0, i] + matrix[2, i]).ToArray();
            Check.Close(expectedSet, set, 2e-6, "neuron set");
        }
    }

    [Fact]
    public void PatchIntegratedGradientsOverAPartitionSumToLayerConductance()
    {
        var model = new HandModel<double>(6, 6, 2, HandModel<double>.Act.Tanh, residual: true);
        var x = BruteForce.RandomVector(12, 5, 2);
        var engine = new Attributor<double>(model, stepBatch: 16);
        InputRegion[] partition = [InputRegion.Range(0, 2), InputRegion.Range(2, 3), InputRegion.FromMask([false, false, false, false, false, true])];
        foreach (int layer in new[] { 1, 2, 3, 4 })
        {
            int size = model.Layers[layer].Size;
            var patches = new double[2 * 3 * size];
            var conductance = new double[2 * size];
            var deltas = new double[2];
            engine.PatchIntegratedGradients(layer, partition, x, 0, Baseline<double>.Zero, patches, Gauss, deltas);
            engine.LayerConductance(layer, x, 0, Baseline<double>.Zero, conductance, Gauss);
            for (int b = 0; b < 2; b++)
            {
                var sum = new double[size];
                for (int q = 0; q < 3; q++)
                    for (int j = 0; j < size; j++) sum[j] += patches[(b * 3 + q) * size + j];
                Check.Close(conductance.AsSpan(b * size, size), sum, 1e-13, $"layer {layer}: Σ regions = conductance");
                Assert.True(Math.Abs(deltas[b]) < 1e-10);
            }
        }

        // One region alone, against brute force: IG_{S,j} equals the neuron conductance of j summed over i ∈ S.
        var single = new double[6];
        var x0 = x[..6];
        engine.PatchIntegratedGradients(2, [InputRegion.Range(2, 3)], x0, 0, Baseline<double>.Zero, single, Gauss);
        var matrix = BruteForce.ConductanceMatrix(model, 2, x0, new double[6], 0, 1000);
        var expected = Enumerable.Range(0, 6).Select(j => matrix[j, 2] + matrix[j, 3] + matrix[j, 4]).ToArray();
        Check.Close(expected, single, 2e-6, "patch IG vs brute force");
    }

    [Fact]
    public void InternalInfluenceIsTheMeanGradientAlongThePath()
    {
        var model = new HandModel<double>(4, 5, 2, HandModel<double>.Act.Softplus);
        var x = BruteForce.RandomVector(4, 9, 1);
        var engine = new Attributor<double>(model);
        var influence = new double[5];
        engine.InternalInfluence(2, x, 1, Baseline<double>.Zero, influence, Gauss);
        // ∫ ∂F/∂y dα with y = softplus(dense1): ∂F/∂y = W2[1, :] everywhere, since dense2 is affine.
        var w2 = model.Parameters.Slice(4 * 5 + 5, 2 * 5).ToArray();
        Check.Close(w2.AsSpan(5, 5), influence, 1e-13, "internal influence");

        var gradTimesActivation = new double[5];
        var activation = new double[5];
        engine.LayerGradientTimesActivation(2, x, 1, gradTimesActivation);
        engine.LayerActivation(2, x, activation);
        for (int j = 0; j < 5; j++) Assert.Equal(w2[5 + j] * activation[j], gradTimesActivation[j], 1e-14);
    }

    [Fact]
    public void ReluNetworkAgreesWithBruteForceWithManyRiemannSteps()
    {
        var model = new HandModel<double>(5, 8, 3, HandModel<double>.Act.Relu);
        var x = BruteForce.RandomVector(5, 21, 2);
        var baseline = new double[5];
        var engine = new Attributor<double>(model, stepBatch: 64);
        var options = new IntegrationOptions { Rule = IntegrationRule.RiemannMiddle, Steps = 4000 };
        var ig = new double[5];
        var deltas = new double[1];
        engine.IntegratedGradients(x, 0, Baseline<double>.Zero, ig, options, deltas);
        Check.Close(BruteForce.IntegratedGradients(model, x, baseline, 0, 4000), ig, 1e-6, "ReLU IG vs brute force (same midpoint nodes)");
        double change = BruteForce.Score(model, x, 0) - BruteForce.Score(model, baseline, 0);
        Assert.True(Math.Abs(deltas[0]) <= 1e-3 * Math.Max(1, Math.Abs(change)), $"ReLU delta {deltas[0]}");

        var conductance = new double[8];
        engine.LayerConductance(1, x, 0, Baseline<double>.Zero, conductance, options);
        var matrix = BruteForce.ConductanceMatrix(model, 1, x, baseline, 0, 4000);
        Check.Close(BruteForce.RowSums(matrix), conductance, 1e-5, "ReLU conductance vs brute force");
    }

    [Fact]
    public void ALinearModelsIntegratedGradientsAreExactlyTheWeightTimesTheDifference()
    {
        // With ReLU and every pre-activation positive along the path, the network is affine: IG = (x − x′)·w.
        var model = new HandModel<double>(3, 4, 2, HandModel<double>.Act.Relu);
        var p = model.Parameters;
        var w1 = new double[] { 1, 2, 0.5, -1, 0.25, 3, 2, 1, 1, 0.5, 0.5, 0.5 };
        w1.CopyTo(p);
        p.Slice(12, 4).Fill(10);                    // biases keep every unit active on the path
        var x = new double[] { 1, -2, 0.5 };
        var baseline = new double[] { -0.5, 1, 2 };
        var engine = new Attributor<double>(model);
        var ig = new double[3];
        engine.IntegratedGradients(x, 1, Baseline<double>.Shared(baseline), ig, new IntegrationOptions { Rule = IntegrationRule.RiemannLeft, Steps = 1 });
        var w2 = p.Slice(16, 8).ToArray();
        for (int i = 0; i < 3; i++)
        {
            double w = 0;
            for (int j = 0; j < 4; j++) w += w2[4 + j] * w1[j * 3 + i];
            Assert.Equal((x[i] - baseline[i]) * w, ig[i], 1e-14);
        }
    }

    [Fact]
    public void DistributionBaselinesAreCompleteAgainstTheMeanReference()
    {
        var model = new HandModel<double>(4, 6, 3, HandModel<double>.Act.Tanh);
        var x = BruteForce.RandomVector(8, 31, 1.5);
        var set = BruteForce.RandomVector(5 * 4, 32, 1);
        var engine = new Attributor<double>(model, stepBatch: 13);
        foreach (int samples in new[] { 0, 3 })
        {
            var ig = new double[8];
            var conductance = new double[12];
            var deltas = new double[2];
            engine.IntegratedGradients(x, new[] { 0, 2 }, Baseline<double>.Distribution(set, samples, seed: 5), ig, Gauss, deltas);
            engine.LayerConductance(2, x, new[] { 0, 2 }, Baseline<double>.Distribution(set, samples, seed: 5), conductance, Gauss);
            for (int b = 0; b < 2; b++)
            {
                int target = b == 0 ? 0 : 2;
                Assert.True(Math.Abs(deltas[b]) < 1e-11, $"delta {deltas[b]}");
                Check.Close(Check.Sum(ig.AsSpan(b * 4, 4)), Check.Sum(conductance.AsSpan(b * 6, 6)), 1e-12, "layer sum = input sum");
                if (samples == 0)
                {
                    // All baselines: the mean of the per-baseline IGs, and F(x) − mean F(x′).
                    double meanReference = 0;
                    var mean = new double[4];
                    for (int s = 0; s < 5; s++)
                    {
                        var one = new double[4];
                        engine.IntegratedGradients(x.AsSpan(b * 4, 4), target, Baseline<double>.Shared(set.AsSpan(s * 4, 4)), one, Gauss);
                        for (int i = 0; i < 4; i++) mean[i] += one[i] / 5;
                        meanReference += BruteForce.Score(model, set[(s * 4)..(s * 4 + 4)], target) / 5;
                    }

                    Check.Close(mean, ig.AsSpan(b * 4, 4), 1e-13, "mean over baselines");
                    Check.Close(BruteForce.Score(model, x[(b * 4)..(b * 4 + 4)], target) - meanReference, Check.Sum(ig.AsSpan(b * 4, 4)), 1e-11, "distribution completeness");
                }
            }
        }

        // The same seed draws the same baselines; another seed others.
        var first = new double[8];
        var again = new double[8];
        var other = new double[8];
        engine.IntegratedGradients(x, 0, Baseline<double>.Distribution(set, 2, seed: 1), first, Gauss);
        engine.IntegratedGradients(x, 0, Baseline<double>.Distribution(set, 2, seed: 1), again, Gauss);
        engine.IntegratedGradients(x, 0, Baseline<double>.Distribution(set, 2, seed: 2), other, Gauss);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void TheAdaptiveModeRaisesTheStepsUntilTheToleranceIsMet()
    {
        var model = new HandModel<double>(4, 6, 2, HandModel<double>.Act.Tanh);
        var x = BruteForce.RandomVector(4, 41, 3);
        var engine = new Attributor<double>(model);
        var ig = new double[4];
        var deltas = new double[1];
        var report = engine.IntegratedGradients(x, 1, Baseline<double>.Zero, ig,
            new IntegrationOptions { Rule = IntegrationRule.RiemannTrapezoid, Steps = 4, Tolerance = 1e-6, MaxSteps = 4096 }, deltas);
        Assert.True(report.Converged);
        Assert.True(report.Steps > 4 && report.Steps <= 4096, $"steps {report.Steps}");
        Assert.True(report.MaxRelativeQuadratureError <= 1e-6);
        double change = BruteForce.Score(model, x, 1) - BruteForce.Score(model, new double[4], 1);
        Assert.Equal(report.MaxRelativeQuadratureError, Math.Abs(deltas[0]) / Math.Abs(change), 1e-15);

        // Gauss–Legendre needs far fewer nodes.
        var gl = engine.IntegratedGradients(x, 1, Baseline<double>.Zero, ig, new IntegrationOptions { Steps = 2, Tolerance = 1e-10 });
        Assert.True(gl.Converged && gl.Steps < report.Steps, $"GL {gl.Steps} vs trapezoid {report.Steps}");

        // An unreachable tolerance stops at MaxSteps and says so.
        var capped = engine.IntegratedGradients(x, 1, Baseline<double>.Zero, ig, new IntegrationOptions { Rule = IntegrationRule.RiemannLeft, Steps = 2, Tolerance = 1e-14, MaxSteps = 16 });
        Assert.False(capped.Converged);
        Assert.Equal(16, capped.Steps);
    }

    [Fact]
    public void TheDifferenceFormIsExactWhenTheRestOfTheNetworkIsAffine()
    {
        // After 'act' only dense2 follows: ∂F/∂y is constant, so Σ g·Δy telescopes for any n.
        var model = new HandModel<double>(4, 6, 2, HandModel<double>.Act.Tanh);
        var x = BruteForce.RandomVector(8, 51, 2);
        var engine = new Attributor<double>(model, stepBatch: 3);
        foreach (var rule in new[] { IntegrationRule.RiemannLeft, IntegrationRule.RiemannRight, IntegrationRule.RiemannTrapezoid })
        {
            var conductance = new double[12];
            var deltas = new double[2];
            engine.LayerConductance(2, x, 1, Baseline<double>.Zero, conductance, new IntegrationOptions { Rule = rule, Steps = 3, PathForm = LayerPathForm.Difference }, deltas);
            Assert.True(Math.Abs(deltas[0]) < 1e-13 && Math.Abs(deltas[1]) < 1e-13, $"{rule}: {deltas[0]}, {deltas[1]}");
        }

        // On dense1 the rest is nonlinear; the forms converge to the same values.
        var tangent = new double[12];
        var difference = new double[12];
        engine.LayerConductance(1, x, 1, Baseline<double>.Zero, tangent, Gauss);
        engine.LayerConductance(1, x, 1, Baseline<double>.Zero, difference, new IntegrationOptions { Rule = IntegrationRule.RiemannTrapezoid, Steps = 2000, PathForm = LayerPathForm.Difference });
        Check.Close(tangent, difference, 1e-6, "difference form vs tangent form");
    }

    [Fact]
    public void SeveralLayersInOnePassEqualOneAtATime()
    {
        var model = new HandModel<double>(6, 6, 3, HandModel<double>.Act.Tanh, residual: true);
        var x = BruteForce.RandomVector(18, 61, 1);
        var engine = new Attributor<double>(model, stepBatch: 10);
        int[] layers = [3, 1, 0, 4];
        int total = layers.Sum(l => model.Layers[l].Size);
        var together = new double[3 * total];
        engine.LayerConductance(layers, x, 2, Baseline<double>.Zero, together, Gauss);
        int offset = 0;
        foreach (int layer in layers)
        {
            int size = model.Layers[layer].Size;
            var alone = new double[3 * size];
            engine.LayerConductance(layer, x, 2, Baseline<double>.Zero, alone, Gauss);
            for (int b = 0; b < 3; b++) Check.Close(alone.AsSpan(b * size, size), together.AsSpan(b * total + offset, size), 1e-15, $"layer {layer}");
            offset += size;
        }

        // Layer 0 is the input: its conductance is IG.
        var ig = new double[18];
        engine.IntegratedGradients(x, 2, Baseline<double>.Zero, ig, Gauss);
        for (int b = 0; b < 3; b++) Check.Close(ig.AsSpan(b * 6, 6), together.AsSpan(b * total + 6 + 6, 6), 1e-14, "layer 0 = IG");
    }

    [Fact]
    public void OutputWeightingsAreLinearInTheTarget()
    {
        var model = new HandModel<double>(4, 5, 3, HandModel<double>.Act.Tanh);
        var x = BruteForce.RandomVector(8, 71, 1);
        var engine = new Attributor<double>(model);
        var weights = new double[] { 0.5, -2, 1, /* input 2 */ 0, 1, 3 };
        var weighted = new double[10];
        engine.LayerConductance(1, x, AttributionTarget<double>.Weights(weights), Baseline<double>.Zero, weighted, Gauss);
        var expected = new double[10];
        for (int o = 0; o < 3; o++)
        {
            var one = new double[10];
            engine.LayerConductance(1, x, o, Baseline<double>.Zero, one, Gauss);
            for (int b = 0; b < 2; b++)
                for (int j = 0; j < 5; j++) expected[b * 5 + j] += weights[b * 3 + o] * one[b * 5 + j];
        }

        Check.Close(expected, weighted, 1e-14, "weighted target");
    }

    [Fact]
    public void DeepLiftRescaleSumsToTheDeltaAndMatchesTheSecantMultipliers()
    {
        var model = new HandModel<double>(4, 5, 2, HandModel<double>.Act.Tanh);
        var x = BruteForce.RandomVector(8, 81, 2);
        var baseline = BruteForce.RandomVector(4, 82, 0.5);
        var engine = new Attributor<double>(model, stepBatch: 1);
        var input = new double[8];
        var deltas = new double[2];
        engine.DeepLift(0, x, 1, Baseline<double>.Shared(baseline), input, deltas);
        Assert.True(Math.Abs(deltas[0]) < 1e-13 && Math.Abs(deltas[1]) < 1e-13, $"summation to delta: {deltas[0]}, {deltas[1]}");

        // By hand: m_x = W1ᵀ diag((tanh z − tanh z′)/(z − z′)) W2[1]ᵀ.
        var p = model.Parameters.ToArray();
        for (int b = 0; b < 2; b++)
        {
            var xb = x.AsSpan(b * 4, 4);
            var expected = new double[4];
            for (int j = 0; j < 5; j++)
            {
                double z = p[20 + j], zr = p[20 + j];
                for (int i = 0; i < 4; i++) { z += p[j * 4 + i] * xb[i]; zr += p[j * 4 + i] * baseline[i]; }
                double slope = (Math.Tanh(z) - Math.Tanh(zr)) / (z - zr);
                for (int i = 0; i < 4; i++) expected[i] += p[25 + 5 + j] * slope * p[j * 4 + i] * (xb[i] - baseline[i]);
            }

            Check.Close(expected, input.AsSpan(b * 4, 4), 1e-13, "DeepLIFT multipliers");
        }

        // Per-input references and a hidden layer.
        var perInput = BruteForce.RandomVector(8, 83, 0.5);
        var hidden = new double[10];
        engine.DeepLift(2, x, 1, Baseline<double>.PerInput(perInput), hidden, deltas);
        Assert.True(Math.Abs(deltas[0]) < 1e-13 && Math.Abs(deltas[1]) < 1e-13);

        // Gradient × difference is not exact for a nonlinear layer below; on the last hidden layer it is.
        engine.LayerGradientTimesDelta(2, x, 1, Baseline<double>.PerInput(perInput), hidden, deltas);
        Assert.True(Math.Abs(deltas[0]) < 1e-13);
        engine.LayerGradientTimesDelta(0, x, 1, Baseline<double>.PerInput(perInput), input, deltas);
        Assert.True(Math.Abs(deltas[0]) > 1e-6);
    }

    [Fact]
    public void FloatModelsWork()
    {
        var model = new HandModel<float>(6, 8, 3, HandModel<float>.Act.Tanh, residual: false);
        var x = BruteForce.RandomVector(12, 91, 1.5).Select(v => (float)v).ToArray();
        var engine = new Attributor<float>(model, stepBatch: 9);
        var ig = new float[12];
        var deltas = new float[2];
        engine.IntegratedGradients(x, 1, Baseline<float>.Zero, ig, new IntegrationOptions { Steps = 16 }, deltas);
        var conductance = new float[16];
        var layerDeltas = new float[2];
        engine.LayerConductance(2, x, 1, Baseline<float>.Zero, conductance, new IntegrationOptions { Steps = 16 }, layerDeltas);
        var through = new float[6];
        engine.NeuronConductance(2, 3, x.AsSpan(0, 6), 1, Baseline<float>.Zero, through, new IntegrationOptions { Steps = 16 });
        for (int b = 0; b < 2; b++)
        {
            var scores = new float[2];
            engine.TargetScores(x, 1, scores);
            var zero = new float[1];
            engine.TargetScores(new float[6], 1, zero);
            float change = scores[b] - zero[0];
            Assert.True(Math.Abs(deltas[b]) <= 1e-5 * Math.Max(1, Math.Abs(change)), $"float IG delta {deltas[b]}");
            Assert.True(Math.Abs(layerDeltas[b]) <= 1e-5 * Math.Max(1, Math.Abs(change)), $"float conductance delta {layerDeltas[b]}");
            Assert.Equal(change, ig.AsSpan(b * 6, 6).ToArray().Sum(), 1e-4);
        }

        Assert.Equal(conductance[3], through.Sum(), 1e-5);
    }
}
