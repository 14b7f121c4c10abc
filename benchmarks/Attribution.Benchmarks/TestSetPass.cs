using System.Diagnostics;
using System.Numerics.Tensors;
using Axon.IO;
using Axon.Samples.Fashion;

namespace Axon.Attribution.Benchmarks;

/// <summary>
/// The main job's test-set attribution two ways, alternating in one process (issue 11): IG and then layer conductance at
/// relu2 as two calls per chunk of 64 images (the run before 2026-12-01), and both from one path pass per chunk (layer
/// conductance over [input, relu2], the run now). Shipped weights, the first test images, target the predicted class's
/// logit, zero baseline, Gauss–Legendre n = 50 fixed, as `--test-set --tolerance 0` runs them. Prints wall and process CPU
/// time per image for each (median over the repeats), their ratio, and how far the two ways' results are apart.
/// </summary>
internal static class TestSetPass
{
    private const int Chunk = 64, Steps = 50;

    public static void Run(string weights, int images, int repeats)
    {
        var all = FashionMnist.LoadTest(limit: images);
        int n = FashionCnn.InputSize, count = all.Count;
        var pixels = new float[count * n];
        for (int b = 0; b < count; b++) all.Image(b).CopyTo(pixels.AsSpan(b * n, n));
        var model = new FashionCnn();
        ModelWeights.Load(model, weights);
        var predicted = new int[count];
        var logits = new float[Chunk * FashionCnn.OutputSize];
        var ws = model.CreateWorkspace(Chunk);
        for (int first = 0; first < count; first += Chunk)
        {
            int rows = Math.Min(Chunk, count - first);
            model.Forward(ws, pixels.AsSpan(first * n, rows * n), rows, logits.AsSpan(0, rows * FashionCnn.OutputSize));
            for (int r = 0; r < rows; r++) predicted[first + r] = TensorPrimitives.IndexOfMax<float>(logits.AsSpan(r * FashionCnn.OutputSize, FashionCnn.OutputSize));
        }

        var engine = new Attributor<float>(model);
        var options = new IntegrationOptions { Rule = IntegrationRule.GaussLegendre, Steps = Steps };
        int size = model.Layers[FashionCnn.LayerIndex.relu2].Size;
        Axon.Model.LayerHandle[] layers = [FashionCnn.LayerIndex.input, FashionCnn.LayerIndex.relu2];

        // Both ways write IG, the conductances and the two deltas per image into their own arrays, for the comparison.
        var separate = new Results(count, n, size);
        var onePass = new Results(count, n, size);
        var deltas = new float[Chunk];
        var both = new float[Chunk * (n + size)];
        var gaps = new float[Chunk * 2];

        void TwoCalls()
        {
            for (int first = 0; first < count; first += Chunk)
            {
                int rows = Math.Min(Chunk, count - first);
                var x = pixels.AsSpan(first * n, rows * n);
                var target = AttributionTarget<float>.Classes(predicted.AsSpan(first, rows));
                engine.IntegratedGradients(x, target, Baseline<float>.Zero, separate.Ig.AsSpan(first * n, rows * n), options, separate.IgDelta.AsSpan(first, rows));
                engine.LayerConductance(FashionCnn.LayerIndex.relu2, x, target, Baseline<float>.Zero, separate.Conductance.AsSpan(first * size, rows * size), options,
                    separate.ConductanceDelta.AsSpan(first, rows));
            }
        }

        void OnePass()
        {
            for (int first = 0; first < count; first += Chunk)
            {
                int rows = Math.Min(Chunk, count - first);
                var x = pixels.AsSpan(first * n, rows * n);
                var target = AttributionTarget<float>.Classes(predicted.AsSpan(first, rows));
                engine.LayerConductance(layers, x, target, Baseline<float>.Zero, both.AsSpan(0, rows * (n + size)), options, deltas.AsSpan(0, rows), gaps.AsSpan(0, 2 * rows));
                for (int r = 0; r < rows; r++)
                {
                    both.AsSpan(r * (n + size), n).CopyTo(onePass.Ig.AsSpan((first + r) * n, n));
                    both.AsSpan(r * (n + size) + n, size).CopyTo(onePass.Conductance.AsSpan((first + r) * size, size));
                    onePass.IgDelta[first + r] = gaps[2 * r];
                    onePass.ConductanceDelta[first + r] = gaps[2 * r + 1];
                }
            }
        }

        var ways = new (string Label, Action Call)[] { ("IG + conductance, two calls", TwoCalls), ("[input, relu2], one pass", OnePass) };
        var wall = ways.Select(_ => new List<double>()).ToArray();
        var cpu = ways.Select(_ => new List<double>()).ToArray();
        var process = Process.GetCurrentProcess();
        foreach (var (_, call) in ways) call(); // warm-up
        string loadBefore = File.ReadAllText("/proc/loadavg").Trim();
        for (int rep = 0; rep < repeats; rep++)
        {
            for (int w = 0; w < ways.Length; w++)
            {
                process.Refresh();
                var used = process.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                ways[w].Call();
                wall[w].Add(watch.Elapsed.TotalMilliseconds / count);
                process.Refresh();
                cpu[w].Add((process.TotalProcessorTime - used).TotalMilliseconds / count);
            }
        }

        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

        Console.WriteLine($"Test-set attribution (IG + layer conductance at relu2), shipped FashionCnn, first {count} test images, chunks of {Chunk}, " +
                          $"Gauss–Legendre n = {Steps}, median of {repeats} alternating runs, {Environment.ProcessorCount} logical cores");
        Console.WriteLine($"  load average before: {loadBefore}; after: {File.ReadAllText("/proc/loadavg").Trim()}");
        for (int w = 0; w < ways.Length; w++)
        {
            Console.WriteLine($"  {ways[w].Label,-30} wall {Median(wall[w]),7:0.000} ms/image, process CPU {Median(cpu[w]),7:0.000} ms/image " +
                              $"(10,000 images: {Median(wall[w]) * 10:0.0} s)");
        }

        Console.WriteLine($"  two calls / one pass: wall {Median(wall[0]) / Median(wall[1]):0.00}×, process CPU {Median(cpu[0]) / Median(cpu[1]):0.00}×");
        Console.WriteLine($"  one pass against two calls, max |difference| / max |value|: IG {Apart(separate.Ig, onePass.Ig):E1}, conductance " +
                          $"{Apart(separate.Conductance, onePass.Conductance):E1}; max |delta difference|: IG {MaxDifference(separate.IgDelta, onePass.IgDelta):E1}, " +
                          $"conductance {MaxDifference(separate.ConductanceDelta, onePass.ConductanceDelta):E1}");
    }

    private static double Apart(float[] a, float[] b) => MaxDifference(a, b) / Math.Max(TensorPrimitives.MaxMagnitude<float>(a), float.Epsilon);

    private static double MaxDifference(float[] a, float[] b)
    {
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        return worst;
    }

    private sealed class Results(int count, int inputSize, int layerSize)
    {
        public float[] Ig { get; } = new float[count * inputSize];
        public float[] Conductance { get; } = new float[count * layerSize];
        public float[] IgDelta { get; } = new float[count];
        public float[] ConductanceDelta { get; } = new float[count];
    }
}
