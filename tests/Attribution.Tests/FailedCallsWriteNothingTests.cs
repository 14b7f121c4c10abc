using Axon.Attribution.Tests.Generated;

namespace Axon.Attribution.Tests;

/// <summary>
/// Failures that only show while the network runs — a finite input that overflows inside it, a NaN weight — leave
/// the caller's attributions and deltas as they were, like every argument error.
/// </summary>
public class FailedCallsWriteNothingTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AFiniteInputThatOverflowsInsideTheNetworkFailsAndWritesNothing(bool affinePrefix)
    {
        var model = new HandModel<float>(16, 6, 3, HandModel<float>.Act.Relu, seed: 5);
        var engine = new Attributor<float>(model, stepBatch: 8) { UseAffinePrefix = affinePrefix };
        var x = new float[32];
        Array.Fill(x, float.MaxValue); // input 0 and input 1: finite, but W·x is not
        var ig = Enumerable.Repeat(42f, 32).ToArray();
        var layer = Enumerable.Repeat(42f, 12).ToArray();
        var deltas = new[] { 42f, 42f };

        var e = Assert.Throws<ArgumentException>(() => engine.IntegratedGradients(x, 0, Baseline<float>.Zero, ig, null, deltas));
        Assert.Contains("beyond the range of Single", e.Message);
        Assert.Contains("Nothing was written", e.Message);
        e = Assert.Throws<ArgumentException>(() => engine.LayerConductance(2, x, 0, Baseline<float>.Zero, layer, null, deltas));
        Assert.Contains("beyond the range of Single", e.Message);
        e = Assert.Throws<ArgumentException>(() => engine.DeepLift(2, x, 0, Baseline<float>.Zero, layer, deltas));
        Assert.Contains("beyond the range of Single", e.Message);

        Assert.All(ig, v => Assert.Equal(42f, v));
        Assert.All(layer, v => Assert.Equal(42f, v));
        Assert.All(deltas, v => Assert.Equal(42f, v));

        // The engine is unharmed.
        var small = BruteForce.RandomVector(32, 3, 1).Select(v => (float)v).ToArray();
        var first = new float[32];
        var again = new float[32];
        new Attributor<float>(model, stepBatch: 8) { UseAffinePrefix = affinePrefix }.IntegratedGradients(small, 0, Baseline<float>.Zero, first);
        engine.IntegratedGradients(small, 0, Baseline<float>.Zero, again);
        Assert.Equal(first, again);
    }

    [Fact]
    public void APathWhoseChangeAtTheAffinePrefixOverflowsFailsThoughBothEndsAreFinite()
    {
        // fc1 doubles input 0 into neuron 0, which nothing downstream reads: F is constant, both ends of the path are
        // finite at fc1 (∓0.6 × MaxValue), but their difference is not, so every point on the path is −∞ there. The
        // passes skip their own scan of the points (the engine bounds each path once instead): that bound must fail.
        var model = new AxPlain();
        model.Parameters.Clear();
        var w1 = model.ParameterTensors.Single(p => p.Name == "fc1.weight");
        model.Parameters[w1.Offset] = 2;
        var engine = new Attributor<double>(model);
        Assert.True(engine.AffinePrefix > 0);
        double half = 0.3 * double.MaxValue;
        double[] x = [-half, 0, 0, 0], baseline = [half, 0, 0, 0];
        var ig = Enumerable.Repeat(42.0, 4).ToArray();
        var deltas = new[] { 42.0 };

        var e = Assert.Throws<ArgumentException>(() => engine.IntegratedGradients(x, 0, Baseline<double>.PerInput(baseline), ig, null, deltas));
        Assert.Contains("beyond the range of Double", e.Message);
        Assert.Contains("path's activation at layer 1", e.Message);
        Assert.All(ig, v => Assert.Equal(42.0, v));
        Assert.Equal(42.0, deltas[0]);

        // The engine (and its workspace) is unharmed: a path in range runs.
        engine.IntegratedGradients([1.0, 2, 3, 4], 0, Baseline<double>.Zero, ig, null, deltas);
        Assert.All(ig, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void ANaNWeightIsNamedBeforeAnythingRuns()
    {
        var cnn = new ReluCnnFloat();
        var engine = new Attributor<float>(cnn, stepBatch: 16);
        var x = BruteForce.RandomVector(64, 4, 1).Select(v => (float)v).ToArray();
        var ig = Enumerable.Repeat(42f, 64).ToArray();
        var conductance = Enumerable.Repeat(42f, 256).ToArray();
        var deltas = new[] { 42f };
        var fc = cnn.ParameterTensors.Single(p => p.Name == "fc.weight");
        cnn.Parameters[fc.Offset + 7] = float.NaN;

        var e = Assert.Throws<InvalidOperationException>(() => engine.IntegratedGradients(x, 1, Baseline<float>.Zero, ig, null, deltas));
        Assert.Contains("'fc.weight'", e.Message);
        Assert.Contains("NaN at index 7", e.Message);
        Assert.Throws<InvalidOperationException>(() => engine.LayerConductance(ReluCnnFloat.LayerIndex.conv1, x, 1, Baseline<float>.Zero, conductance, null, deltas));
        Assert.Throws<InvalidOperationException>(() => engine.DeepLift(ReluCnnFloat.LayerIndex.conv1, x, 1, Baseline<float>.Zero, conductance, deltas));
        cnn.Parameters[fc.Offset + 7] = float.PositiveInfinity;
        Assert.Throws<InvalidOperationException>(() => engine.IntegratedGradients(x, 1, Baseline<float>.Zero, ig, null, deltas));

        Assert.All(ig, v => Assert.Equal(42f, v));
        Assert.All(conductance, v => Assert.Equal(42f, v));
        Assert.Equal(42f, deltas[0]);

        cnn.Parameters[fc.Offset + 7] = 0.5f;
        engine.IntegratedGradients(x, 1, Baseline<float>.Zero, ig, null, deltas);
        Assert.All(ig, v => Assert.True(float.IsFinite(v)));
    }
}
