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
/// <c>every</c>-th image of the first <c>limit</c> is run (a fixed, evenly spread subset of the test set); <c>lanes</c> is the
/// engines' <see cref="Attributor{T}.InputLanes"/> (0: one per core).
/// </summary>
internal static class ExactRule
{
    public static void Run(string weights, int limit, int every, int lanes = 0)
    {
        var all = FashionMnist.LoadTest(limit: limit);
        int n = FashionCnn.InputSize, count = (all.Count + every - 1) / every;
        var pixels = new float[count * n];
        for (int b = 0; b < count; b++) all.Image(b * every).CopyTo(pixels.AsSpan(b * n, n));
        var single = new FashionCnn();
        ModelWeights.Load(single, weights);
        var twin = FashionCnnDouble.From(single);
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
        Measure("double", new Attributor<double>(twin) { InputLanes = lanes }, pixelsDouble, predicted, count);
        Measure("float", new Attributor<float>(single) { InputLanes = lanes }, pixels, predicted, count);
    }

    private static void Measure<T>(string type, Attributor<T> engine, T[] pixels, int[] predicted, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = ExactRuleComparison.Measure(engine, pixels, predicted, count);
        Console.WriteLine($"  {type}: exact {m.ExactSeconds:F1} s ({m.ExactMillisecondsPerInput:F2} ms/image), segments mean {m.MeanSegments:F1}, max {m.MostSegments}, " +
                          $"max relative |error| {m.ExactWorstError:E1}");
        Console.WriteLine($"  {type}: Gauss–Legendre adaptive to 1e-3: {m.GaussLegendreSeconds:F1} s ({m.GaussLegendreMillisecondsPerInput:F2} ms/image), n up to {m.MostNodes}, " +
                          $"max relative |error| {m.GaussLegendreWorstError:E1}; exact / GL time {m.TimeRatio:F2}");
    }
}
