using System.Diagnostics;
using Axon.Kernels;
using Axon.Samples.Fashion;

namespace Axon.Attribution.Benchmarks;

/// <summary>
/// <c>--row-store [rounds]</c>: the direct convolution's backward dx with the micro-kernel adding onto the dx rows
/// (padded rows of whole vectors) against the computed planes + copy-out it replaces (<see cref="DirectConvSwitch.RowStore"/>
/// off): FashionCnn's conv2 at the engine's step batch (20 rows), then whole attributions on FashionCnn (batch 64,
/// n = 50, Gauss–Legendre: IG, and layer conductance at conv2, whose backward stops above conv2 and so shows the noise).
/// Off and on are timed in alternation in one process (best of each), so that the load of a shared machine hits both
/// alike.
/// </summary>
internal static class RowStoreComparison
{
    public static void Run(int rounds)
    {
        Console.WriteLine($"Row store off vs on, float (best of {rounds} alternating rounds)");
        Console.WriteLine($"{"work",-44} {"copy-out",10} {"rows",10} {"speed-up",9}");
        ConvDx(rounds);
        Attributions(Math.Max(2, rounds / 10));
        DirectConvSwitch.RowStore = true;
    }

    private static void ConvDx(int rounds)
    {
        const int batch = 20, c = 8, size = 14, k = 16, kernel = 3, padding = 1;
        var random = new Random(5);
        float[] Values(int count) => Enumerable.Range(0, count).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        float[] x = Values(batch * c * size * size), weight = Values(k * c * kernel * kernel), dy = Values(batch * k * size * size);
        var dx = new float[x.Length];
        var scratch = new float[Conv2dKernel.ScratchLength(batch, c, size, size, k, kernel, 1, padding)];
        var (off, on) = Alternate(() => Conv2dKernel.Backward<float>(x, weight, dy, dx, default, default, scratch, batch, c, size, size, k, kernel, 1, padding), rounds, 20);
        Report("conv2 8→16, 14×14, dx, µs per row", off * 1000 / batch, on * 1000 / batch);
    }

    private static void Attributions(int rounds)
    {
        const int batch = 64;
        var model = new FashionCnn();
        model.ResetParameters(1);
        var random = new Random(7);
        var inputs = new float[batch * FashionCnn.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = random.NextSingle();
        var targets = Enumerable.Range(0, batch).Select(b => b % FashionCnn.OutputSize).ToArray();
        var engine = new Attributor<float>(model);
        var options = new IntegrationOptions { Rule = IntegrationRule.GaussLegendre, Steps = 50 };
        var ig = new float[inputs.Length];
        var conductance = new float[batch * model.Layers[FashionCnn.LayerIndex.conv2].Size];
        var (off, on) = Alternate(() => engine.IntegratedGradients(inputs, targets, Baseline<float>.Zero, ig, options), rounds, 1);
        Report("FashionCnn IG, ms per input", off / batch, on / batch);
        (off, on) = Alternate(() => engine.LayerConductance(FashionCnn.LayerIndex.conv2, inputs, targets, Baseline<float>.Zero, conductance, options), rounds, 1);
        Report("FashionCnn layer conductance conv2, ms per input", off / batch, on / batch);
    }

    /// <summary>
    /// The same call with the row store off (A) and on (B), alternating, A first in even rounds and B first in odd
    /// ones (so that neither always runs right after the other); best ms per call of each.
    /// </summary>
    private static (double A, double B) Alternate(Action call, int rounds, int calls)
    {
        double bestA = double.MaxValue, bestB = double.MaxValue;
        var stopwatch = new Stopwatch();
        for (int round = 0; round < 2 * rounds + 2; round++)
        {
            foreach (bool on in round % 2 == 0 ? [false, true] : new[] { true, false })
            {
                DirectConvSwitch.RowStore = on;
                stopwatch.Restart();
                for (int i = 0; i < calls; i++) call();
                double ms = stopwatch.Elapsed.TotalMilliseconds / calls;
                if (round < 2) continue; // warm-up
                if (on) bestB = Math.Min(bestB, ms);
                else bestA = Math.Min(bestA, ms);
            }
        }

        return (bestA, bestB);
    }

    private static void Report(string work, double off, double on) =>
        Console.WriteLine($"{work,-44} {off,10:0.000} {on,10:0.000} {off / on,8:0.00}×");
}
