using System.Diagnostics;
using Axon.Kernels;

namespace Axon.Attribution.Benchmarks;

/// <summary>
/// <c>--relu-pool [rounds]</c>: the fused ReLU + 2×2 max-pooling kernel against the two unfused kernels it replaces,
/// on FashionCnn's two maps at the engine's step batch (20 rows), forward and backward. The two are timed in
/// alternation in one process (A, B, A, B, …; best of each), so that the load of a shared machine hits both alike.
/// </summary>
internal static class ReluPoolFusion
{
    public static void Run(int rounds)
    {
        Console.WriteLine($"ReLU + 2×2 max pooling, fused vs unfused, batch 20, float, µs per row (best of {rounds} alternating rounds)");
        Console.WriteLine($"{"map",-12} {"pass",-9} {"unfused",9} {"fused",9} {"speed-up",9}");
        foreach (var (channels, size) in new[] { (8, 28), (16, 14) }) Map(channels, size, rounds);
    }

    private static void Map(int channels, int size, int rounds)
    {
        const int batch = 20;
        int inLength = batch * channels * size * size, outLength = inLength / 4;
        var random = new Random(1);
        float[] x = Enumerable.Range(0, inLength).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        float[] dy = Enumerable.Range(0, outLength).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        float[] relu = new float[inLength], y = new float[outLength], dRelu = new float[inLength], dx = new float[inLength];
        int[] argmax = new int[outLength];

        // Backward as the generated pass runs it: the two gradients were cleared by the pass's start (not timed).
        Action unfusedForward = () =>
        {
            ReluKernel.Forward<float>(x, relu);
            MaxPool2dKernel.Forward<float>(relu, y, argmax, batch, channels, size, size, 2, 2);
        };
        Action fusedForward = () => ReluMaxPoolKernel.Forward<float>(x, relu, y, argmax, batch, channels, size, size);
        Action unfusedBackward = () =>
        {
            MaxPool2dKernel.Backward<float>(dy, argmax, dRelu, batch, channels, size, size, 2, 2);
            ReluKernel.Backward<float>(x, relu, dRelu, dx);
        };
        Action fusedBackward = () => ReluMaxPoolKernel.Backward<float>(dy, argmax, x, dRelu, dx, batch, channels, size, size);

        string map = $"{channels}×{size}×{size}";
        Report(map, "forward", Alternate(unfusedForward, fusedForward, rounds), batch);
        fusedForward();
        Report(map, "backward", Alternate(unfusedBackward, fusedBackward, rounds), batch);
    }

    private static (double A, double B) Alternate(Action a, Action b, int rounds)
    {
        const int calls = 20;
        double bestA = double.MaxValue, bestB = double.MaxValue;
        var stopwatch = new Stopwatch();
        for (int round = 0; round < rounds + 1; round++)
        {
            stopwatch.Restart();
            for (int i = 0; i < calls; i++) a();
            if (round > 0) bestA = Math.Min(bestA, stopwatch.Elapsed.TotalMilliseconds / calls);
            stopwatch.Restart();
            for (int i = 0; i < calls; i++) b();
            if (round > 0) bestB = Math.Min(bestB, stopwatch.Elapsed.TotalMilliseconds / calls);
        }

        return (bestA, bestB);
    }

    private static void Report(string map, string pass, (double Unfused, double Fused) ms, int batch) =>
        Console.WriteLine($"{map,-12} {pass,-9} {ms.Unfused * 1000 / batch,9:0.000} {ms.Fused * 1000 / batch,9:0.000} {ms.Unfused / ms.Fused,8:0.00}×");
}
