using Axon.Model;
using Axon.Samples.Fashion;

namespace Axon.Attribution.Benchmarks;

/// <summary>
/// <c>--lanes [rounds]</c>: input lanes (one child engine per core, kernels inline) against one lane (every pass on the
/// calling thread, each kernel split over the cores), alternating in one process, on the works of the libtorch
/// comparison and the test set's call: batch 64, n = 50, float. Prints wall and process CPU time per input, and ratios.
/// </summary>
internal static class InputLaneComparison
{
    public static void Run(int rounds)
    {
        var cnn = new FashionCnn();
        cnn.ResetParameters(1);
        var mlp = new FashionMlp();
        mlp.ResetParameters(1);
        Console.WriteLine($"Input lanes against one lane, batch 64, n = 50, median of {rounds} alternating rounds; load average {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"{"work (ms per input)",-52} {"one lane",9} {"lanes",9} {"speed-up",9} {"CPU one",9} {"CPU lanes",9} {"ratio",9}");
        Works(cnn, "CNN", 1, rounds);
        Works(mlp, "MLP", 1, rounds);
    }

    private static void Works(IDifferentiableModel<float> model, string name, int layer, int rounds)
    {
        const int Batch = 64;
        var x = new float[Batch * model.InputSize];
        var random = new Random(1);
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextDouble();
        var engine = new Attributor<float>(model);
        var options = new IntegrationOptions { Steps = 50 };
        var ig = new float[x.Length];
        var conductance = new float[Batch * model.Layers[layer].Size];
        int relu = name == "CNN" ? 5 : 2;
        int[] onePass = [0, relu];
        var both = new float[Batch * (model.InputSize + model.Layers[relu].Size)];
        void Lanes(bool on) => engine.InputLanes = on ? 0 : 1;
        double perInput = 1.0 / Batch;
        (string Work, Action Call)[] works =
        [
            ($"{name} IG", () => engine.IntegratedGradients(x, 0, Baseline<float>.Zero, ig, options)),
            ($"{name} layer conductance, {model.Layers[layer].Name}", () => engine.LayerConductance(layer, x, 0, Baseline<float>.Zero, conductance, options)),
            ($"{name} IG + {model.Layers[relu].Name} conductance, one pass", () => engine.LayerConductance(onePass, x, 0, Baseline<float>.Zero, both, options)),
        ];

        // 2 s of each work in each setting first, as the libtorch comparison warms up: the tiered JIT's final code.
        foreach (var (_, call) in works)
        {
            foreach (bool on in new[] { false, true })
            {
                Lanes(on);
                var warm = System.Diagnostics.Stopwatch.StartNew();
                while (warm.Elapsed.TotalSeconds < 2) call();
            }
        }

        foreach (var (work, call) in works) AlternatingComparison.Compare(work, call, rounds, 1, perInput, Lanes);
    }
}
