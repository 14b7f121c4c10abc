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

        // The same images with one full tangent pass per feature (UseMapWindows off), alternating with the windowed
        // path image by image, so that both see the same load.
        var pairs = new List<(double Windowed, double Full, double WindowedCpu, double FullCpu)>();
        var reference = new float[maps.Length];
        double worst = 0;
        for (int b = 0; b < test.Count; b++)
        {
            var (windowed, windowedCpu) = Timed(true, b, maps);
            var (full, fullCpu) = Timed(false, b, reference);
            pairs.Add((windowed, full, windowedCpu, fullCpu));
            float scale = 1e-30f;
            foreach (float v in reference) scale = Math.Max(scale, Math.Abs(v));
            for (int i = 0; i < maps.Length; i++) worst = Math.Max(worst, Math.Abs(maps[i] - reference[i]) / scale);
        }

        double Median(Func<(double Windowed, double Full, double WindowedCpu, double FullCpu), double> pick) => pairs.Select(pick).Order().ElementAt(pairs.Count / 2);
        Console.WriteLine($"  windowed tangents (UseMapWindows) against one full tangent pass per feature, alternating: {Median(p => p.Windowed):F3} / {Median(p => p.Full):F3} s per input" +
                          $" (process CPU time {Median(p => p.WindowedCpu):F3} / {Median(p => p.FullCpu):F3}); max |difference| / max |map| {worst:E1}; load average {File.ReadAllText("/proc/loadavg").Trim()}");

        (double Seconds, double Cpu) Timed(bool windows, int b, float[] into)
        {
            engine.UseMapWindows = windows;
            process.Refresh();
            var used = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            engine.NeuronConductanceMaps(FashionCnn.LayerIndex.relu2, test.Pixels.AsSpan(b * n, n), test.Labels[b], Baseline<float>.Zero, into, options);
            double seconds = watch.Elapsed.TotalSeconds;
            process.Refresh();
            engine.UseMapWindows = true;
            return (seconds, (process.TotalProcessorTime - used).TotalSeconds);
        }
    }
}
