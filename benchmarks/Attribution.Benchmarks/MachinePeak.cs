using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace Axon.Attribution.Benchmarks;

/// <summary>
/// <c>--peak</c>: the machine's float multiply-add throughput as .NET code reaches it — twelve independent chains of
/// Vector512 fused multiply-adds per thread, on 1 and on all threads, best of 15 runs — so that
/// "GFLOP/s executed" figures can be stated as a share of what these cores do, measured rather than taken from a
/// data sheet (this VM's CPU model name does not say its clock).
/// </summary>
internal static class MachinePeak
{
    public static void Run()
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            Console.WriteLine("--peak measures 512-bit multiply-adds; this machine has no AVX-512");
            return;
        }

        var (a, b) = (Vector512.Create(1.0001f), Vector512.Create(0.9999f));
        Wide(a, b, 1000); // JIT
        const int width = 16;
        Console.WriteLine($"Peak float multiply-add throughput ({width} lanes per vector, 12 independent chains per thread), best of 15 runs");
        for (int threads = 1; threads <= Environment.ProcessorCount; threads++)
        {
            double best = 0;
            const long iterations = 20_000_000;
            for (int run = 0; run < 15; run++)
            {
                var stopwatch = Stopwatch.StartNew();
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => Wide(a, b, iterations));
                best = Math.Max(best, threads * iterations * 12.0 * width * 2 / stopwatch.Elapsed.TotalSeconds / 1e9);
            }

            Console.WriteLine($"  {threads} thread(s): {best:0.0} GFLOP/s");
        }
    }

    private static float Wide(Vector512<float> a, Vector512<float> b, long iterations)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector512<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(a, c0, b); c1 = Vector512.FusedMultiplyAdd(a, c1, b); c2 = Vector512.FusedMultiplyAdd(a, c2, b);
            c3 = Vector512.FusedMultiplyAdd(a, c3, b); c4 = Vector512.FusedMultiplyAdd(a, c4, b); c5 = Vector512.FusedMultiplyAdd(a, c5, b);
            c6 = Vector512.FusedMultiplyAdd(a, c6, b); c7 = Vector512.FusedMultiplyAdd(a, c7, b); c8 = Vector512.FusedMultiplyAdd(a, c8, b);
            c9 = Vector512.FusedMultiplyAdd(a, c9, b); c10 = Vector512.FusedMultiplyAdd(a, c10, b); c11 = Vector512.FusedMultiplyAdd(a, c11, b);
        }

        return (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11).GetElement(0);
    }
}
