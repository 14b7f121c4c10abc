using System.Diagnostics;
using Axon.IO;
using Axon.Samples.Fashion;

namespace Axon.Attribution.Benchmarks;

/// <summary>
/// Every neuron's conductance map at relu2 of the shipped CNN (16 × 14 × 14 = 3,136 neurons) for one test image at a time:
/// seconds per input at n = 50 (Gauss–Legendre), the maps' size (each neuron's receptive-field window, beside what the
/// dense layout would take), and the process's managed memory.
/// </summary>
internal static class ConductanceMaps
{
    public static void Run(string weights, int images)
    {
        var model = new FashionCnn();
        ModelWeights.Load(model, weights);
        var test = FashionMnist.LoadTest(limit: images);
        var engine = new Attributor<float>(model);
        int layer = FashionCnn.LayerIndex.relu2, width = model.Layers[layer].Size, n = FashionCnn.InputSize;
        var layout = engine.MapLayout(FashionCnn.LayerIndex.relu2);
        var maps = new float[layout.Length];
        var options = new IntegrationOptions { Steps = 50 };
        engine.NeuronConductanceMaps(FashionCnn.LayerIndex.relu2, test.Pixels.AsSpan(0, n), test.Labels[0], Baseline<float>.Zero, maps, options); // warm-up
        var times = new List<double>();
        var cpu = new List<double>();
        var process = Process.GetCurrentProcess();
        for (int b = 0; b < test.Count; b++)
        {
            process.Refresh();
            var used = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            engine.NeuronConductanceMaps(FashionCnn.LayerIndex.relu2, test.Pixels.AsSpan(b * n, n), test.Labels[b], Baseline<float>.Zero, maps, options);
            times.Add(watch.Elapsed.TotalSeconds);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - used).TotalSeconds);
        }

        cpu.Sort();

        times.Sort();
        Console.WriteLine($"Conductance maps of all {width} neurons of relu2 (shipped FashionCnn, n = 50 Gauss–Legendre, float), {test.Count} images, {Environment.ProcessorCount} cores:");
        Console.WriteLine($"  median {times[times.Count / 2]:F3} s per input (min {times[0]:F3}, max {times[^1]:F3}), process CPU time median {cpu[cpu.Count / 2]:F3} s per input; maps {maps.Length} floats (windows) = {maps.Length * 4 / 1048576.0:F2} MiB" +
                          $" (dense {width} × {n} = {(long)width * n * 4 / 1048576.0:F1} MiB);" +
                          $" managed heap after the runs {GC.GetTotalMemory(false) / 1048576.0:F1} MiB");
    }
}
