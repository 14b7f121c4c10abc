using System.Diagnostics;
using Axon.Kernels;

namespace Axon.Attribution.Benchmarks;

/// <summary>
/// <c>--gemm [rounds]</c>: the matrix products of the MLP rows (issue 11) and of the transformer encoder block, and
/// whole MLP attributions, with the 8 × 3-vector tile of AVX-512 off (the 4 × 3 tile before it) and on
/// (GemmSwitch.Wide), timed in alternation in one process (best of each, wall and process CPU time), so
/// that the load of a shared machine hits both alike. <c>--mlp-loop seconds</c>: MLP IG and layer conductance at fc1
/// in a loop, for a profiler.
/// </summary>
internal static class GemmComparison
{
    public static void Loop(double seconds)
    {
        var (engine, inputs, targets, options) = Mlp();
        var ig = new float[inputs.Length];
        var conductance = new float[64 * 256];
        var stopwatch = Stopwatch.StartNew();
        int calls = 0;
        while (stopwatch.Elapsed.TotalSeconds < seconds)
        {
            engine.IntegratedGradients(inputs, targets, Baseline<float>.Zero, ig, options);
            engine.LayerConductance(FashionMlp.LayerIndex.fc1, inputs, targets, Baseline<float>.Zero, conductance, options);
            calls++;
        }

        Console.WriteLine($"{calls} rounds of MLP IG + layer conductance (fc1) in {stopwatch.Elapsed.TotalSeconds:0.0} s");
    }

    public static void Run(int rounds)
    {
        Console.WriteLine($"GEMM: 4 × 3 tile (off) vs 12 × 2 tile (on), float, best of {rounds} alternating rounds; {Uptime()}");
        Console.WriteLine($"{"work",-52} {"off",9} {"on",9} {"off CPU",9} {"on CPU",9} {"speed-up",9}");
        // (transA, transB, m, n, k): the MLP's step products at the engine's step batch (167 rows) and at 3,200 rows,
        // its prefix products at a batch of 64, and the encoder block's projections (4,096 rows, width 128).
        (bool, bool, int, int, int, string)[] shapes =
        [
            (false, true, 167, 128, 256, "fc2 forward 167×256·(128×256)ᵀ"),
            (false, false, 167, 256, 128, "fc2 dx 167×128·128×256"),
            (false, true, 64, 256, 784, "fc1 forward 64×784·(256×784)ᵀ"),
            (false, false, 64, 784, 256, "fc1 dx 64×256·256×784"),
            (false, true, 3200, 256, 784, "3200×784·(256×784)ᵀ"),
            (false, true, 3200, 128, 256, "3200×256·(128×256)ᵀ"),
            (false, false, 3200, 256, 128, "3200×128·128×256"),
            (false, false, 3200, 784, 256, "3200×256·256×784"),
            (false, true, 4096, 384, 128, "encoder QKV 4096×128·(384×128)ᵀ"),
            (false, false, 4096, 128, 384, "encoder dx 4096×384·384×128"),
            (false, true, 4096, 512, 128, "encoder MLP up 4096×128·(512×128)ᵀ"),
            (true, false, 128, 384, 4096, "encoder dW (4096×128)ᵀ·4096×384"),
            (false, true, 64, 64, 32, "attention scores 64×32·(64×32)ᵀ (one head)"),
            (false, false, 64, 32, 64, "attention output 64×64·64×32 (one head)"),
        ];
        var random = new Random(11);
        foreach (var (ta, tb, m, n, k, label) in shapes)
        {
            float[] a = Values(random, m * k), b = Values(random, k * n), c = new float[m * n];
            int calls = (int)Math.Clamp(2e8 / ((double)m * n * k), 1, 20000);
            var (off, on, offCpu, onCpu) = Alternate(() => Gemm.Multiply<float>(ta, tb, m, n, k, a, b, c, accumulate: false), rounds, calls);
            double gflop = 2.0 * m * n * k / 1e9;
            Console.WriteLine($"{label,-52} {gflop / off * 1e3,6:0} GF {gflop / on * 1e3,6:0} GF {offCpu,9:0.000} {onCpu,9:0.000} {off / on,8:0.00}×");
        }

        var (engine, inputs, targets, options) = Mlp();
        var ig = new float[inputs.Length];
        var conductance = new float[64 * 256];
        var r = Alternate(() => engine.IntegratedGradients(inputs, targets, Baseline<float>.Zero, ig, options), Math.Max(3, rounds / 2), 1);
        Console.WriteLine($"{"MLP IG, ms per input (wall; CPU ms per call)",-52} {r.Off / 64,9:0.0000} {r.On / 64,9:0.0000} {r.OffCpu,9:0.000} {r.OnCpu,9:0.000} {r.Off / r.On,8:0.00}×");
        r = Alternate(() => engine.LayerConductance(FashionMlp.LayerIndex.fc1, inputs, targets, Baseline<float>.Zero, conductance, options), Math.Max(3, rounds / 2), 1);
        Console.WriteLine($"{"MLP layer conductance fc1, ms per input",-52} {r.Off / 64,9:0.0000} {r.On / 64,9:0.0000} {r.OffCpu,9:0.000} {r.OnCpu,9:0.000} {r.Off / r.On,8:0.00}×");
        Console.WriteLine(Uptime());
        GemmSwitch.Tall = true;
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = random.NextSingle() * 2 - 1;
        return values;
    }

    private static string Uptime() => File.Exists("/proc/loadavg") ? "load " + File.ReadAllText("/proc/loadavg").Trim() : "";

    /// <summary>
    /// The call with the tall tile off and on, alternating (off first in even rounds), after two warm-up rounds:
    /// best wall ms per call of each, and the process CPU ms per call in that best round.
    /// </summary>
    private static (double Off, double On, double OffCpu, double OnCpu) Alternate(Action call, int rounds, int calls)
    {
        double off = double.MaxValue, on = double.MaxValue, offCpu = 0, onCpu = 0;
        var stopwatch = new Stopwatch();
        var process = Process.GetCurrentProcess();
        for (int round = 0; round < 2 * rounds + 2; round++)
        {
            foreach (bool tall in round % 2 == 0 ? [false, true] : new[] { true, false })
            {
                GemmSwitch.Tall = tall;
                process.Refresh();
                var cpu0 = process.TotalProcessorTime;
                stopwatch.Restart();
                for (int i = 0; i < calls; i++) call();
                double ms = stopwatch.Elapsed.TotalMilliseconds / calls;
                process.Refresh();
                double cpu = (process.TotalProcessorTime - cpu0).TotalMilliseconds / calls;
                if (round < 2) continue;
                if (tall && ms < on) (on, onCpu) = (ms, cpu);
                if (!tall && ms < off) (off, offCpu) = (ms, cpu);
            }
        }

        return (off, on, offCpu, onCpu);
    }

    private static (Attributor<float> Engine, float[] Inputs, int[] Targets, IntegrationOptions Options) Mlp()
    {
        const int batch = 64;
        var model = new FashionMlp();
        model.ResetParameters(1);
        var random = new Random(7);
        var inputs = new float[batch * FashionMlp.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = random.NextSingle();
        var targets = Enumerable.Range(0, batch).Select(b => b % FashionMlp.OutputSize).ToArray();
        var options = new IntegrationOptions { Rule = IntegrationRule.GaussLegendre, Steps = 50 };
        return (new Attributor<float>(model), inputs, targets, options);
    }
}
