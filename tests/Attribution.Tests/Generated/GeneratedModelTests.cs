using Axon.Evaluation;
using Axon.Model;

namespace Axon.Attribution.Tests.Generated;

/// <summary>
/// The attribution algorithms on generated models. Tolerances: smooth networks in double with Gauss–Legendre
/// (48 nodes) must be complete to 1e-9 relative to |F(x) − F(x′)|; ReLU / max-pool networks with 2000 midpoint
/// steps to 2e-3 relative; brute-force comparisons (midpoint sums of central differences) to 1e-5 (smooth) and
/// 2e-3 (ReLU) relative to the largest value.
/// </summary>
public class GeneratedModelTests
{
    private static readonly IntegrationOptions Gauss = new() { Steps = 48 };
    private static readonly IntegrationOptions ManyMidpoints = new() { Rule = IntegrationRule.RiemannMiddle, Steps = 2000 };

    private static double[] Inputs(int count, int size, int seed, double scale = 1) => BruteForce.RandomVector(count * size, seed, scale);

    private static IDifferentiableModel<double> Seeded<TModel>(TModel model, int seed) where TModel : IDifferentiableModel<double>
    {
        var random = new Random(seed);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (random.NextDouble() * 2 - 1) * 0.6;
        return model;
    }

    private static void AssertComplete(Attributor<double> engine, IDifferentiableModel<double> model, double[] x, double[] baseline, int target, IntegrationOptions options, double tolerance)
    {
        int n = model.InputSize, count = x.Length / n;
        var ig = new double[x.Length];
        var deltas = new double[count];
        var scores = new double[count];
        var reference = new double[1];
        engine.TargetScores(x, target, scores);
        engine.TargetScores(baseline, target, reference);
        engine.IntegratedGradients(x, target, Baseline<double>.Shared(baseline), ig, options, deltas);
        for (int b = 0; b < count; b++)
        {
            double change = scores[b] - reference[0];
            double error = Math.Abs(Check.Sum(ig.AsSpan(b * n, n)) - change);
            Assert.True(error <= tolerance * Math.Abs(change), $"{model.Name} IG input {b}: |Σ − ΔF| = {error:E2}, ΔF = {change:E3}");
            Assert.Equal(error, Math.Abs(deltas[b]), 1e-12 * Math.Max(1, Math.Abs(change)));
        }

        for (int layer = 1; layer < model.Layers.Count; layer++)
        {
            if (!model.Layers[layer].IsCut) continue;
            int size = model.Layers[layer].Size;
            var conductance = new double[count * size];
            engine.LayerConductance(layer, x, target, Baseline<double>.Shared(baseline), conductance, options, deltas);
            for (int b = 0; b < count; b++)
            {
                double change = scores[b] - reference[0];
                double error = Math.Abs(Check.Sum(conductance.AsSpan(b * size, size)) - change);
                Assert.True(error <= tolerance * Math.Abs(change), $"{model.Name} layer {layer} ({model.Layers[layer].Name}) input {b}: |Σ − ΔF| = {error:E2}, ΔF = {change:E3}");
            }
        }
    }

    [Fact]
    public void SmoothNetworksAreCompleteToOneInABillionWithGaussLegendre()
    {
        var mlp = Seeded(new SmoothMlp(), 1);
        AssertComplete(new Attributor<double>(mlp, stepBatch: 40), mlp, Inputs(3, 6, 2, 2), Inputs(1, 6, 3, 0.5), 2, Gauss, 1e-9);
        var cnn = Seeded(new SmoothCnn(), 4);
        AssertComplete(new Attributor<double>(cnn, stepBatch: 40), cnn, Inputs(3, 64, 5, 1), new double[64], 0, Gauss, 1e-9);
        var residual = Seeded(new Residual(), 6);
        AssertComplete(new Attributor<double>(residual, stepBatch: 40), residual, Inputs(3, 6, 7, 2), Inputs(1, 6, 8, 0.5), 1, Gauss, 1e-9);
    }

    [Fact]
    public void ReluNetworksAreCompleteWithManyRiemannSteps()
    {
        var cnn = Seeded(new ReluCnn(), 9);
        AssertComplete(new Attributor<double>(cnn, stepBatch: 500), cnn, Inputs(2, 64, 10, 1), new double[64], 1, ManyMidpoints, 2e-3);
    }

    [Fact]
    public void LinearModelIntegratedGradientsAreTheWeightTimesTheDifference()
    {
        var model = new Linear();
        model.ResetParameters(3);
        var x = Inputs(2, 5, 11, 2);
        var baseline = Inputs(2, 5, 12, 1);
        var ig = new double[10];
        new Attributor<double>(model).IntegratedGradients(x, new[] { 2, 0 }, Baseline<double>.PerInput(baseline), ig, new IntegrationOptions { Rule = IntegrationRule.RiemannLeft, Steps = 1 });
        var w = model.Parameters; // fc.weight [3, 5] first
        for (int b = 0; b < 2; b++)
        {
            int target = b == 0 ? 2 : 0;
            for (int i = 0; i < 5; i++) Assert.Equal((x[b * 5 + i] - baseline[b * 5 + i]) * w[target * 5 + i], ig[b * 5 + i], 1e-14);
        }
    }

    [Fact]
    public void IntegratedGradientsAndConductanceMatchBruteForce()
    {
        var mlp = Seeded(new SmoothMlp(), 21);
        var x = Inputs(1, 6, 22, 2);
        var baseline = Inputs(1, 6, 23, 0.3);
        var engine = new Attributor<double>(mlp);
        var ig = new double[6];
        engine.IntegratedGradients(x, 1, Baseline<double>.Shared(baseline), ig, Gauss);
        Check.Close(BruteForce.IntegratedGradients(mlp, x, baseline, 1, 2000), ig, 1e-6, "smooth MLP IG");
        foreach (int layer in new[] { SmoothMlp.LayerIndex.fc1, SmoothMlp.LayerIndex.softplus })
        {
            int size = mlp.Layers[layer].Size;
            var matrix = BruteForce.ConductanceMatrix(mlp, layer, x, baseline, 1, 1000);
            var conductance = new double[size];
            engine.LayerConductance(layer, x, 1, Baseline<double>.Shared(baseline), conductance, Gauss);
            Check.Close(BruteForce.RowSums(matrix), conductance, 1e-5, $"smooth MLP layer {layer} conductance = chain-rule definition");
            var through = new double[6];
            engine.NeuronConductance(layer, 3, x, 1, Baseline<double>.Shared(baseline), through, Gauss);
            Check.Close(Enumerable.Range(0, 6).Select(i => matrix[3, i]).ToArray(), through, 1e-5, "neuron conductance vs brute force");
        }

        var relu = Seeded(new ReluCnn(), 24);
        var image = Inputs(1, 64, 25, 1);
        var zero = new double[64];
        var reluEngine = new Attributor<double>(relu, stepBatch: 256);
        var reluIg = new double[64];
        reluEngine.IntegratedGradients(image, 2, Baseline<double>.Zero, reluIg, ManyMidpoints);
        Check.Close(BruteForce.IntegratedGradients(relu, image, zero, 2, 2000), reluIg, 2e-3, "ReLU CNN IG");
        int pool = ReluCnn.LayerIndex.pool1;
        var poolConductance = new double[64];
        reluEngine.LayerConductance(pool, image, 2, Baseline<double>.Zero, poolConductance, new IntegrationOptions { Rule = IntegrationRule.RiemannMiddle, Steps = 500 });
        var poolMatrix = BruteForce.ConductanceMatrix(relu, pool, image, zero, 2, 500);
        Check.Close(BruteForce.RowSums(poolMatrix), poolConductance, 2e-3, "ReLU CNN pool conductance = chain-rule definition");
    }

    [Fact]
    public void NeuronConductanceAndPatchesDecomposeLayerConductance()
    {
        var cnn = Seeded(new SmoothCnn(), 31);
        var engine = new Attributor<double>(cnn, stepBatch: 64);
        var x = Inputs(2, 64, 32, 1);
        int layer = SmoothCnn.LayerIndex.conv2, size = cnn.Layers[layer].Size;
        var conductance = new double[2 * size];
        engine.LayerConductance(layer, x, 1, Baseline<double>.Zero, conductance, Gauss);

        // Quadrants of the 8×8 image: a partition.
        InputRegion[] quadrants = [InputRegion.Rectangle(0, 0, 4, 4), InputRegion.Rectangle(0, 4, 4, 4), InputRegion.Rectangle(4, 0, 4, 4), InputRegion.Rectangle(4, 4, 4, 4)];
        var patches = new double[2 * 4 * size];
        engine.PatchIntegratedGradients(layer, quadrants, x, 1, Baseline<double>.Zero, patches, Gauss);
        for (int b = 0; b < 2; b++)
        {
            var sum = new double[size];
            for (int q = 0; q < 4; q++)
                for (int j = 0; j < size; j++) sum[j] += patches[(b * 4 + q) * size + j];
            Check.Close(conductance.AsSpan(b * size, size), sum, 1e-12, "Σ patches = conductance");
        }

        foreach (int j in new[] { 0, 17, 63 })
        {
            var through = new double[128];
            engine.NeuronConductance(layer, j, x, 1, Baseline<double>.Zero, through, Gauss);
            for (int b = 0; b < 2; b++) Check.Close(conductance[b * size + j], Check.Sum(through.AsSpan(b * 64, 64)), 1e-12, $"neuron {j}: Σᵢ = total conductance");
        }

        // Residual: the inner layers are bypassed, and the decompositions still hold.
        var residual = Seeded(new Residual(), 33);
        var rEngine = new Attributor<double>(residual);
        var rx = Inputs(1, 6, 34, 2);
        foreach (int inner in new[] { Residual.LayerIndex.a, Residual.LayerIndex.t })
        {
            Assert.False(residual.Layers[inner].IsCut);
            var c = new double[6];
            rEngine.LayerConductance(inner, rx, 0, Baseline<double>.Zero, c, Gauss);
            var matrix = BruteForce.ConductanceMatrix(residual, inner, rx, new double[6], 0, 1000);
            Check.Close(BruteForce.RowSums(matrix), c, 1e-5, "bypassed layer conductance = chain-rule definition");
            for (int j = 0; j < 6; j++)
            {
                var through = new double[6];
                rEngine.NeuronConductance(inner, j, rx, 0, Baseline<double>.Zero, through, Gauss);
                Check.Close(c[j], Check.Sum(through), 1e-12, "bypassed layer: Σᵢ neuron conductance = total");
            }
        }
    }

    [Fact]
    public void DeepLiftRescaleSumsToTheDeltaOnGeneratedModels()
    {
        // Needs the generator's RescaleReference support in Backward.
        var mlp = Seeded(new SmoothMlp(), 41);
        var engine = new Attributor<double>(mlp, stepBatch: 3);
        var x = Inputs(4, 6, 42, 2);
        var baseline = Inputs(1, 6, 43, 0.5);
        foreach (int layer in new int[] { 0, SmoothMlp.LayerIndex.fc1, SmoothMlp.LayerIndex.tanh1, SmoothMlp.LayerIndex.softplus })
        {
            var result = new double[4 * mlp.Layers[layer].Size];
            var deltas = new double[4];
            engine.DeepLift(layer, x, 2, Baseline<double>.Shared(baseline), result, deltas);
            Assert.All(deltas, d => Assert.True(Math.Abs(d) < 1e-10, $"layer {layer}: summation-to-delta error {d}"));
            engine.DeepLift(layer, x, 2, Baseline<double>.PerInput(Inputs(4, 6, 44, 0.5)), result, deltas);
            Assert.All(deltas, d => Assert.True(Math.Abs(d) < 1e-10, $"layer {layer} per-input: summation-to-delta error {d}"));
        }
    }

    [Fact]
    public void FloatModelsAreCompleteToFloatPrecision()
    {
        var mlp = new SmoothMlpFloat();
        mlp.ResetParameters(5);
        var x = Inputs(4, 6, 51, 2).Select(v => (float)v).ToArray();
        var engine = new Attributor<float>(mlp, stepBatch: 30);
        var ig = new float[24];
        var deltas = new float[4];
        var scores = new float[4];
        var zero = new float[1];
        engine.TargetScores(x, 0, scores);
        engine.TargetScores(new float[6], 0, zero);
        engine.IntegratedGradients(x, 0, Baseline<float>.Zero, ig, new IntegrationOptions { Steps = 24 }, deltas);
        var conductance = new float[4 * 8];
        var layerDeltas = new float[4];
        engine.LayerConductance(SmoothMlpFloat.LayerIndex.tanh1, x, 0, Baseline<float>.Zero, conductance, new IntegrationOptions { Steps = 24 }, layerDeltas);
        for (int b = 0; b < 4; b++)
        {
            float change = scores[b] - zero[0];
            Assert.True(Math.Abs(deltas[b]) <= 1e-5f * Math.Max(1, Math.Abs(change)), $"float IG delta {deltas[b]} for ΔF {change}");
            Assert.True(Math.Abs(layerDeltas[b]) <= 1e-5f * Math.Max(1, Math.Abs(change)), $"float conductance delta {layerDeltas[b]}");
        }

        var cnn = new ReluCnnFloat();
        cnn.ResetParameters(6);
        var images = Inputs(2, 64, 52, 1).Select(v => (float)v).ToArray();
        var cnnEngine = new Attributor<float>(cnn);
        var patches = new float[2 * 2 * 256];
        cnnEngine.PatchIntegratedGradients(ReluCnnFloat.LayerIndex.conv1, [InputRegion.Rectangle(0, 0, 8, 3), InputRegion.Rectangle(0, 3, 8, 5)], images, 1, Baseline<float>.Zero, patches, new IntegrationOptions { Rule = IntegrationRule.RiemannTrapezoid, Steps = 64 });
        var conductance1 = new float[2 * 256];
        cnnEngine.LayerConductance(ReluCnnFloat.LayerIndex.conv1, images, 1, Baseline<float>.Zero, conductance1, new IntegrationOptions { Rule = IntegrationRule.RiemannTrapezoid, Steps = 64 });
        for (int i = 0; i < 512; i++)
        {
            int b = i / 256, j = i % 256;
            Assert.Equal(conductance1[i], patches[(b * 2) * 256 + j] + patches[(b * 2 + 1) * 256 + j], 1e-5f);
        }
    }

    [Fact]
    public void TheAffinePrefixPathAgreesWithTheStepByStepPath()
    {
        // conv → avg-pool → flatten → dense is affine: the prefix ends at the dense layer (node 4).
        AffinePrefixTests.AssertSameWithAndWithoutPrefix((AffineStem)Seeded(new AffineStem(), 81), AffineStem.LayerIndex.fc1, 82);
        AffinePrefixTests.AssertSameWithAndWithoutPrefix((SmoothMlp)Seeded(new SmoothMlp(), 83), SmoothMlp.LayerIndex.fc1, 84);
        Assert.Equal<int>(ReluCnn.LayerIndex.conv1, new Attributor<double>(new ReluCnn()).AffinePrefix);
        Assert.Equal(0, new Attributor<double>(new Residual()).AffinePrefix);
    }

    [Fact]
    public void AblationAgreementOnAGeneratedCnn()
    {
        var cnn = Seeded(new ReluCnn(), 71);
        var evaluator = new AblationEvaluator<double>(cnn, stepBatch: 128);
        var x = Inputs(8, 64, 72, 1);
        var agreement = evaluator.MeasureAgreement(ReluCnn.LayerIndex.conv1, x, 0, Baseline<double>.Zero, new IntegrationOptions { Rule = IntegrationRule.RiemannMiddle, Steps = 200 });
        Assert.Equal(4, agreement.Count);
        Assert.All(agreement, a => Assert.InRange(a.MeanPearson, -1, 1));
        var errors = evaluator.MeasureAblationError(ReluCnn.LayerIndex.relu1, x, 0, Baseline<double>.Zero);
        Assert.Equal(7, errors.Count); // conductance and eq. 7 at n = 10 and 100, DeepLIFT rescale and RevealCancel, gradient × difference
        Assert.All(errors, e => Assert.True(double.IsFinite(e.MeanError)));
    }
}

/// <summary>Runs alone (see <see cref="AllocationTests"/>): GC.GetTotalAllocatedBytes counts every thread.</summary>
[Collection(nameof(AllocationTests))]
public class GeneratedAllocationTests
{
    private static double[] Inputs(int count, int size, int seed, double scale) => BruteForce.RandomVector(count * size, seed, scale);

    [Fact]
    public void SteadyStateCallsOnAGeneratedCnnAllocateNothing()
    {
        var cnn = new ReluCnnFloat();
        var engine = new Attributor<float>(cnn, stepBatch: 64);
        var x = Inputs(4, 64, 61, 1).Select(v => (float)v).ToArray();
        var ig = new float[4 * 64];
        var conductance = new float[4 * 256];
        var patches = new float[4 * 256];
        var deltas = new float[4];
        var options = new IntegrationOptions { Steps = 20 };
        InputRegion[] region = [InputRegion.Rectangle(2, 2, 3, 3)];
        void Run()
        {
            engine.IntegratedGradients(x, 1, Baseline<float>.Zero, ig, options, deltas);
            engine.LayerConductance(ReluCnnFloat.LayerIndex.conv1, x, 1, Baseline<float>.Zero, conductance, options, deltas);
            engine.NeuronConductance(ReluCnnFloat.LayerIndex.pool1, 5, x, 1, Baseline<float>.Zero, ig, options, deltas);
            engine.PatchIntegratedGradients(ReluCnnFloat.LayerIndex.conv1, region, x, 1, Baseline<float>.Zero, patches, options, deltas);
            engine.DeepLift(ReluCnnFloat.LayerIndex.conv1, x, 1, Baseline<float>.Zero, conductance, deltas);
        }

        Allocations.AssertNone(Run);
    }
}
