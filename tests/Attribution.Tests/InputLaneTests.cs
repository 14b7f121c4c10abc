using Axon.Attribution.Tests.Generated;
using Axon.Attribution.Tests.OnePass;
using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>
/// Input lanes (Attributor.Lanes.cs) split a call's inputs over child engines. Each input's rows and sums are the same
/// as in one lane, so on networks whose kernels compute every row alike (ReLU, pooling, convolutions, dense layers) every
/// result, error, gap and report must equal the one-lane call's bit for bit, whatever the number of lanes and however
/// the groups fall (5 inputs over 2 or 3 lanes leave a short last group).
/// </summary>
[Collection(nameof(AllocationTests))] // alone: with the compute pool free, the lanes run (a busy pool runs one lane)
public class InputLaneTests
{
    private const int Count = 5;

    private static IDifferentiableModel<double> Cnn()
    {
        IDifferentiableModel<double> model = new MiniFashionCnn();
        var random = new Random(21);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = random.NextDouble() - 0.5;
        return model;
    }

    /// <summary>Runs <paramref name="run"/> on a one-lane engine and on <paramref name="lanes"/> lanes; asserts equal results, errors and reports.</summary>
    private static void Same(IDifferentiableModel<double> model, int lanes, bool prefix, string what, int size,
        Func<Attributor<double>, double[], double[], AttributionReport> run, double tolerance = 0)
    {
        var one = new Attributor<double>(model, stepBatch: 7) { InputLanes = 1, UseAffinePrefix = prefix };
        var many = new Attributor<double>(model, stepBatch: 7) { InputLanes = lanes, UseAffinePrefix = prefix };
        var a = new double[Count * size];
        var b = new double[Count * size];
        var da = new double[Count];
        var db = new double[Count];
        var ra = run(one, a, da);
        var rb = run(many, b, db);
        string label = $"{what}, {lanes} lanes, prefix {prefix}";
        Assert.Equal(1, one.LastInputLanes);
        Assert.Equal(lanes, many.LastInputLanes);
        if (tolerance == 0)
        {
            Assert.True(a.AsSpan().SequenceEqual(b), label + ": results differ");
            Assert.True(da.AsSpan().SequenceEqual(db), label + ": quadrature errors differ");
            Assert.Equal(ra, rb);
        }
        else
        {
            Check.Close(a, b, tolerance, label);
            Check.Close(da, db, tolerance, label + " quadrature errors");
            Assert.Equal(ra.Steps, rb.Steps);
            Assert.Equal(ra.Evaluations, rb.Evaluations);
        }

        Assert.NotEqual(0, a.Sum(Math.Abs)); // something was computed
    }

    public static TheoryData<int, bool> LanesAndPrefix() => new() { { 2, true }, { 3, true }, { 2, false }, { 3, false } };

    [Theory]
    [MemberData(nameof(LanesAndPrefix))]
    public void EveryPathMethodGivesTheOneLaneResultsBitForBit(int lanes, bool prefix)
    {
        var model = Cnn();
        int n = MiniFashionCnn.InputSize;
        var x = BruteForce.RandomVector(Count * n, 5, 1.5);
        var set = BruteForce.RandomVector(3 * n, 6, 0.5);
        int[] targets = [0, 3, 1, 4, 2];
        var options = new IntegrationOptions { Steps = 9 };
        int relu2 = 5, pool1 = 3, conv2 = 4;
        int relu2Size = model.Layers[relu2].Size;

        Same(model, lanes, prefix, "IG, zero baseline", n, (e, r, d) => e.IntegratedGradients(x, targets, Baseline<double>.Zero, r, options, d));
        Same(model, lanes, prefix, "IG, per-input baselines", n, (e, r, d) => e.IntegratedGradients(x, targets, Baseline<double>.PerInput(BruteForce.RandomVector(Count * n, 7, 0.3)), r, options, d));
        Same(model, lanes, prefix, "IG, a baseline set", n, (e, r, d) => e.IntegratedGradients(x, 2, Baseline<double>.Distribution(set), r, options, d));
        Same(model, lanes, prefix, "IG, global form", n, (e, r, d) => e.IntegratedGradients(x, targets, Baseline<double>.Shared(set.AsSpan(0, n)), r, options, d, multiplyByInputs: false));
        Same(model, lanes, prefix, "IG, adaptive", n, (e, r, d) => e.IntegratedGradients(x, targets, Baseline<double>.Zero, r, new IntegrationOptions { Steps = 2, Tolerance = 1e-6, MaxSteps = 64 }, d));
        Same(model, lanes, prefix, "IG, output weights", n, (e, r, d) => e.IntegratedGradients(x, AttributionTarget<double>.Weights(BruteForce.RandomVector(Count * 5, 8)), Baseline<double>.Zero, r, options, d));
        Same(model, lanes, prefix, "conductance at the input and relu2", n + relu2Size, (e, r, d) =>
        {
            var gaps = new double[Count * 2];
            var report = e.LayerConductance([0, relu2], x, targets, Baseline<double>.Zero, r, options, d, gaps);
            Assert.NotEqual(0, gaps.Sum(Math.Abs));
            return report;
        });
        Same(model, lanes, prefix, "conductance, difference form at conv2", model.Layers[conv2].Size, (e, r, d) =>
            e.LayerConductance(conv2, x, targets, Baseline<double>.Zero, r, new IntegrationOptions { Rule = IntegrationRule.RiemannLeft, Steps = 7, PathForm = LayerPathForm.Difference }, d));
        Same(model, lanes, prefix, "neuron conductance at relu2", n, (e, r, d) => e.NeuronConductance(relu2, [1, relu2Size - 3], x, targets, Baseline<double>.Zero, r, options, d));
        Same(model, lanes, prefix, "internal influence at pool1", model.Layers[pool1].Size, (e, r, d) => e.InternalInfluence(pool1, x, targets, Baseline<double>.Distribution(set), r, options, d));
        InputRegion[] regions = [InputRegion.Rectangle(0, 0, 4, 4), InputRegion.Rectangle(0, 4, 4, 4), InputRegion.Rectangle(4, 0, 4, 8)];
        Same(model, lanes, prefix, "patch IG at relu2", regions.Length * relu2Size, (e, r, d) => e.PatchIntegratedGradients(relu2, regions, x, targets, Baseline<double>.Zero, r, options, d));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void TheExactRuleGivesTheOneLaneResultsAndSegmentCounts(int lanes)
    {
        var model = Cnn();
        int n = MiniFashionCnn.InputSize, relu2 = 5;
        var x = BruteForce.RandomVector(Count * n, 13, 1.5);
        var set = BruteForce.RandomVector(2 * n, 14, 0.5);
        int[] targets = [4, 0, 2, 1, 3];
        var exact = new IntegrationOptions { Rule = IntegrationRule.Exact };
        // To rounding: the exact rule refills its rows with segments as paths finish, so an input's segments (and its
        // baselines' paths) can be summed in another order when the other inputs around it change. The segments are the same.
        const double Rounding = 1e-12;
        int[]? segments = null;
        Same(model, lanes, prefix: true, "exact IG, a baseline set", n, (e, r, d) =>
        {
            var report = e.IntegratedGradients(x, targets, Baseline<double>.Distribution(set), r, exact, d);
            Assert.Equal(Count * 2, e.LastSegmentCounts.Length);
            Assert.All(e.LastSegmentCounts.ToArray(), c => Assert.True(c >= 1));
            if (segments is null) segments = e.LastSegmentCounts.ToArray();
            else Assert.Equal(segments, e.LastSegmentCounts.ToArray());
            return report;
        }, Rounding);
        Same(model, lanes, prefix: true, "exact conductance at relu2", model.Layers[relu2].Size, (e, r, d) => e.LayerConductance(relu2, x, targets, Baseline<double>.Zero, r, exact, d), Rounding);
        Same(model, lanes, prefix: true, "exact neuron conductance at relu2", n, (e, r, d) => e.NeuronConductance(relu2, [0, 7], x, targets, Baseline<double>.Zero, r, exact, d), Rounding);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void SampledBaselinesAreDrawnOnceForTheCall(int lanes)
    {
        var model = Cnn();
        int n = MiniFashionCnn.InputSize;
        var x = BruteForce.RandomVector(Count * n, 9, 1.5);
        var set = BruteForce.RandomVector(6 * n, 10, 0.5);
        var one = new Attributor<double>(model) { InputLanes = 1 };
        var many = new Attributor<double>(model) { InputLanes = lanes };
        var a = new double[Count * n];
        var b = new double[Count * n];
        var baseline = Baseline<double>.Distribution(set, samples: 4, seed: 12);
        one.IntegratedGradients(x, 1, baseline, a);
        many.IntegratedGradients(x, 1, baseline, b);
        Assert.Equal(lanes, many.LastInputLanes);
        Assert.Equal(a, b);
        Assert.Equal(Count * 4, many.LastBaselineDraws.Length);
        Assert.True(one.LastBaselineDraws.SequenceEqual(many.LastBaselineDraws));
    }

    [Fact]
    public void FloatKernelsGiveTheOneLaneResultsBitForBit()
    {
        IDifferentiableModel<float> model = new MiniFashionCnnF();
        var random = new Random(22);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = (float)(random.NextDouble() - 0.5);
        int n = MiniFashionCnnF.InputSize, count = 9, relu2Size = model.Layers[5].Size;
        var x = new float[count * n];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextDouble();
        var one = new Attributor<float>(model) { InputLanes = 1 };
        var many = new Attributor<float>(model);
        var a = new float[count * (n + relu2Size)];
        var b = new float[count * (n + relu2Size)];
        var ra = one.LayerConductance([0, 5], x, 0, Baseline<float>.Zero, a);
        var rb = many.LayerConductance([0, 5], x, 0, Baseline<float>.Zero, b);
        Assert.Equal(Math.Min(count, Environment.ProcessorCount), many.LastInputLanes); // the default: one lane per core
        Assert.Equal(a, b);
        Assert.Equal(ra, rb);
    }

    [Fact]
    public void TokenModelsGiveTheOneLaneResults()
    {
        var model = new DlEmbedding();
        model.ResetParameters(3);
        int n = DlEmbedding.InputSize, count = 4;
        var random = new Random(4);
        var ids = new double[count * n];
        for (int i = 0; i < ids.Length; i++) ids[i] = random.Next(12);
        double[] pad = [.. Enumerable.Repeat(1.0, n)];
        var one = new Attributor<double>(model) { InputLanes = 1 };
        var many = new Attributor<double>(model) { InputLanes = 2 };
        var a = new double[count * n];
        var b = new double[count * n];
        var ea = new double[count];
        var eb = new double[count];
        one.IntegratedGradients(ids, 1, Baseline<double>.Shared(pad), a, null, ea);
        many.IntegratedGradients(ids, 1, Baseline<double>.Shared(pad), b, null, eb);
        Assert.Equal(2, many.LastInputLanes);
        // To rounding, not bit for bit: GELU's vector and scalar forms differ in the last bits, and where a pass's vector
        // tail falls depends on the rows it holds (as it does in one lane between calls with different inputs).
        Check.Close(a, b, 1e-12, "per-token IG");
        Check.Close(ea, eb, 1e-12, "quadrature errors");
    }

    [Fact]
    public void AFailureInOneLaneFailsTheCallWritesNothingAndLeavesTheEngineUsable()
    {
        var model = new HandModel<float>(16, 6, 3, HandModel<float>.Act.Relu, seed: 5);
        var engine = new Attributor<float>(model, stepBatch: 8) { InputLanes = 2 };
        var x = BruteForce.RandomVector(6 * 16, 3, 1).Select(v => (float)v).ToArray();
        x.AsSpan(5 * 16, 16).Fill(float.MaxValue); // the last input (the last lane's group): finite, but W·x is not
        var ig = Enumerable.Repeat(42f, x.Length).ToArray();
        var deltas = Enumerable.Repeat(42f, 6).ToArray();

        var e = Assert.Throws<ArgumentException>(() => engine.IntegratedGradients(x, 0, Baseline<float>.Zero, ig, null, deltas));
        Assert.Contains("beyond the range of Single", e.Message);
        Assert.All(ig, v => Assert.Equal(42f, v));
        Assert.All(deltas, v => Assert.Equal(42f, v));

        x.AsSpan(5 * 16, 16).Fill(0.5f);
        var expected = new float[x.Length];
        new Attributor<float>(model, stepBatch: 8) { InputLanes = 1 }.IntegratedGradients(x, 0, Baseline<float>.Zero, expected);
        engine.IntegratedGradients(x, 0, Baseline<float>.Zero, ig);
        Assert.Equal(expected, ig);
    }

    [Fact]
    public void LanesAreANonNegativeCount()
    {
        var engine = new Attributor<double>(Cnn());
        Assert.Equal(0, engine.InputLanes);
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.InputLanes = -1);
        engine.InputLanes = 4;
        Assert.Equal(4, engine.InputLanes);
    }
}
