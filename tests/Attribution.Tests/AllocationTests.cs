namespace Axon.Attribution.Tests;

/// <summary>GC.GetTotalAllocatedBytes counts every thread: these tests run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(AllocationTests), DisableParallelization = true)]
public sealed class AllocationCollection;

internal static class Allocations
{
    /// <summary>
    /// Asserts that <paramref name="run"/> allocates nothing: on the calling thread (exact, every attempt), and in the
    /// whole process (GC.GetTotalAllocatedBytes(precise: true), which also sees the kernels' worker threads) in at
    /// least one of a few attempts — the test host's own threads may allocate at any moment, an allocation of the
    /// code under test would show in every attempt. The warm-up runs with the compute pool free and held busy
    /// (<see cref="PoolHold"/>), so that both the parallel and the inline path have run on this thread before it
    /// is measured: on a busy machine either can come at any call.
    /// </summary>
    public static void AssertNone(Action run)
    {
        // Enough calls for tiered compilation to promote the hot methods (30 calls each), and a pause for its background
        // compiler, whose allocations the process-wide count would otherwise see during the measured runs.
        for (int i = 0; i < 40; i++) run();
        Thread.Sleep(300);
        using (new PoolHold()) run();
        // Up to 20 attempts, with a pause after each one that saw an allocation: on a loaded machine the tiered JIT's
        // background compiler (which allocates) can still be promoting this test's many generic methods after the
        // warm-up; it finishes, while an allocation of the code under test would show in every attempt.
        long process = long.MaxValue;
        for (int attempt = 0; attempt < 20 && process != 0; attempt++)
        {
            if (attempt > 0) Thread.Sleep(100);
            long thread = GC.GetAllocatedBytesForCurrentThread();
            long before = GC.GetTotalAllocatedBytes(precise: true);
            run();
            run();
            process = Math.Min(process, GC.GetTotalAllocatedBytes(precise: true) - before);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - thread);
        }

        Assert.Equal(0, process);
    }
}

[Collection(nameof(AllocationTests))]
public class AllocationTests
{
    [Theory]
    [InlineData(true)]   // no affine prefix: every step runs the whole network
    [InlineData(false)]  // an affine prefix (dense1): integrated at the prefix
    public void SteadyStateCallsAllocateNothing(bool residual)
    {
        var model = new HandModel<double>(6, 6, 3, HandModel<double>.Act.Tanh, residual);
        var engine = new Attributor<double>(model, stepBatch: 16);
        var x = BruteForce.RandomVector(18, 1, 1);
        var set = BruteForce.RandomVector(24, 2, 1);
        int[] targets = [0, 1, 2];
        int[] layers = residual ? [1, 3] : [1, 0];
        InputRegion[] regions = [InputRegion.Range(0, 3), InputRegion.Range(3, 3)];
        var ig = new double[18];
        var layer = new double[18];
        var outputs = new double[9];
        var twoLayers = new double[36];
        var patches = new double[36];
        var deltas = new double[3];
        var gauss = new IntegrationOptions { Steps = 20 };
        var adaptive = new IntegrationOptions { Rule = IntegrationRule.RiemannTrapezoid, Steps = 4, Tolerance = 1e-4 };
        var difference = new IntegrationOptions { Rule = IntegrationRule.RiemannRight, Steps = 9, PathForm = LayerPathForm.Difference };

        void Run()
        {
            engine.IntegratedGradients(x, targets, Baseline<double>.Zero, ig, gauss, deltas);
            engine.IntegratedGradients(x, 1, Baseline<double>.Distribution(set, 2, seed: 3), ig, adaptive, deltas);
            engine.LayerConductance(residual ? 3 : 1, x, targets, Baseline<double>.Shared(set.AsSpan(0, 6)), layer, gauss, deltas);
            engine.LayerConductance(layers, x, targets, Baseline<double>.PerInput(set.AsSpan(0, 18)), twoLayers, difference, deltas);
            engine.NeuronConductance(2, 4, x, targets, Baseline<double>.Zero, ig, gauss, deltas);
            engine.PatchIntegratedGradients(residual ? 3 : 1, regions, x, targets, Baseline<double>.Zero, patches, gauss, deltas);
            engine.InternalInfluence(1, x, targets, Baseline<double>.Zero, layer, gauss, deltas);
            engine.DeepLift(residual ? 3 : 2, x, targets, Baseline<double>.Distribution(set), layer, deltas);
            engine.LayerGradientTimesDelta(1, x, targets, Baseline<double>.Zero, layer, deltas);
            engine.LayerGradientTimesActivation(1, x, targets, layer);
            engine.LayerActivation(1, x, layer);
        }

        Run();
        Allocations.AssertNone(Run);
    }

    [Fact]
    public void TheNewerMethodsAllocateNothingInSteadyState()
    {
        var model = new Generated.ReluCnn();
        var random = new Random(5);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (random.NextDouble() * 2 - 1) * 0.6;
        var engine = new Attributor<double>(model, stepBatch: 16);
        int n = Generated.ReluCnn.InputSize, pool = Generated.ReluCnn.LayerIndex.pool1, width = model.Layers[pool].Size;
        var x = BruteForce.RandomVector(2 * n, 6, 1);
        var set = BruteForce.RandomVector(3 * n, 7, 1);
        var stored = StoredBaseline<double>.Distribution(set, samples: 2, seed: 1);
        var ig = new double[2 * n];
        var atPool = new double[2 * width];
        var maps = new double[engine.MapLayout(Generated.ReluCnn.LayerIndex.pool1).Length];
        var cam = new double[2 * 16];
        var errors = new double[2];
        var exact = new IntegrationOptions { Rule = IntegrationRule.Exact };
        var gauss = new IntegrationOptions { Steps = 8 };

        void Run()
        {
            engine.IntegratedGradients(x, 1, Baseline<double>.Zero, ig, exact, errors);
            engine.LayerConductance(Generated.ReluCnn.LayerIndex.pool1, x, 1, stored, atPool, exact, errors, errors);
            engine.LayerIntegratedGradients(Generated.ReluCnn.LayerIndex.pool1, x, 1, Baseline<double>.Zero, atPool, gauss, errors);
            engine.NeuronIntegratedGradients(Generated.ReluCnn.LayerIndex.pool1, 3, x, Baseline<double>.Zero, ig, gauss, errors);
            engine.NeuronDeepLift(Generated.ReluCnn.LayerIndex.pool1, 3, x, Baseline<double>.Zero, ig, errors);
            engine.NeuronGradient(Generated.ReluCnn.LayerIndex.pool1, 3, x, ig);
            engine.GradientShap(x, 1, Baseline<double>.Distribution(set), ig, samples: 4, stdev: 0.1, seed: 2);
            engine.LayerGradientShap(Generated.ReluCnn.LayerIndex.pool1, x, 1, Baseline<double>.Distribution(set), atPool, samples: 4, stdev: 0.1, seed: 2);
            engine.LayerGradCam(Generated.ReluCnn.LayerIndex.pool1, x, 1, cam);
            engine.NeuronConductanceMaps(Generated.ReluCnn.LayerIndex.pool1, x.AsSpan(0, n), 1, Baseline<double>.Zero, maps, gauss);
        }

        Run();
        Allocations.AssertNone(Run);
    }
}
