using System.Diagnostics;
using System.Numerics;
using System.Numerics.Tensors;
using Axon.IO;
using Axon.Model;
using Axon.Samples.Fashion;

namespace Axon.Attribution.Benchmarks;

/// <summary>
/// The exact rule on the shipped CNN over the Fashion-MNIST test set (target: the predicted class's logit), in double and
/// in float: time, segments per image, the largest relative quadrature error; beside it, in the same run, the adaptive
/// Gauss–Legendre IG that reaches a relative error of 1e-3 on every image. With <c>every</c> &gt; 1 only every
/// <c>every</c>-th image of the first <c>limit</c> is run (a fixed, evenly spread subset of the test set).
/// </summary>
internal static class ExactRule
{
    public static void Run(string weights, int limit, int every)
    {
        var all = FashionMnist.LoadTest(limit: limit);
        int n = FashionCnn.InputSize, count = (all.Count + every - 1) / every;
        var pixels = new float[count * n];
        for (int b = 0; b < count; b++) all.Image(b * every).CopyTo(pixels.AsSpan(b * n, n));
        var single = new FashionCnn();
        ModelWeights.Load(single, weights);
        var twin = new FashionCnnDouble();
        for (int i = 0; i < single.Parameters.Length; i++) twin.Parameters[i] = single.Parameters[i];
        var pixelsDouble = pixels.Select(v => (double)v).ToArray();

        var predicted = new int[count];
        var logits = new float[count * FashionCnn.OutputSize];
        var ws = single.CreateWorkspace(256);
        for (int first = 0; first < count; first += 256)
        {
            int rows = Math.Min(256, count - first);
            single.Forward(ws, pixels.AsSpan(first * n, rows * n), rows, logits.AsSpan(first * 10, rows * 10));
        }

        for (int b = 0; b < count; b++) predicted[b] = TensorPrimitives.IndexOfMax<float>(logits.AsSpan(b * 10, 10));
        Console.WriteLine($"Exact rule vs adaptive Gauss–Legendre, shipped FashionCnn, {count} test images (every {every}. of the first {all.Count}), IG of the predicted class's logit, zero baseline, {Environment.ProcessorCount} cores");
        Measure("double", new Attributor<double>(twin), pixelsDouble, predicted, count, n);
        Measure("float", new Attributor<float>(single), pixels, predicted, count, n);
    }

    private static void Measure<T>(string type, Attributor<T> engine, T[] pixels, int[] predicted, int count, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int Chunk = 64;
        var ig = new T[Chunk * n];
        var errors = new T[Chunk];
        var exact = new IntegrationOptions { Rule = IntegrationRule.Exact };
        var adaptive = new IntegrationOptions { Steps = 8, Tolerance = 1e-3, MaxSteps = 4096 };
        double exactWorst = 0, glWorst = 0, exactSeconds = 0, glSeconds = 0;
        long segments = 0;
        int mostSegments = 0, mostSteps = 0;
        for (int first = 0; first < count; first += Chunk)
        {
            int rows = Math.Min(Chunk, count - first);
            var x = pixels.AsSpan(first * n, rows * n);
            var target = predicted.AsSpan(first, rows);
            var watch = Stopwatch.StartNew();
            var report = engine.IntegratedGradients(x, target, Baseline<T>.Zero, ig.AsSpan(0, rows * n), exact, errors.AsSpan(0, rows));
            exactSeconds += watch.Elapsed.TotalSeconds;
            exactWorst = Math.Max(exactWorst, report.MaxRelativeQuadratureError);
            foreach (int s in engine.LastSegmentCounts) { segments += s; mostSegments = Math.Max(mostSegments, s); }

            watch.Restart();
            var gl = engine.IntegratedGradients(x, target, Baseline<T>.Zero, ig.AsSpan(0, rows * n), adaptive, errors.AsSpan(0, rows));
            glSeconds += watch.Elapsed.TotalSeconds;
            glWorst = Math.Max(glWorst, gl.MaxRelativeQuadratureError);
            mostSteps = Math.Max(mostSteps, gl.Steps);
        }

        Console.WriteLine($"  {type}: exact {exactSeconds:F1} s ({1000 * exactSeconds / count:F2} ms/image), segments mean {(double)segments / count:F1}, max {mostSegments}, " +
                          $"max relative |error| {exactWorst:E1}");
        Console.WriteLine($"  {type}: Gauss–Legendre adaptive to 1e-3: {glSeconds:F1} s ({1000 * glSeconds / count:F2} ms/image), n up to {mostSteps}, max relative |error| {glWorst:E1}; " +
                          $"exact / GL time {exactSeconds / glSeconds:F2}");
    }
}
