using System.Diagnostics;

namespace Axon.Attribution.Benchmarks;

/// <summary>An A/B of one switch in one process (the --tile-pool and --first-writer comparisons): the two settings alternate.</summary>
internal static class AlternatingComparison
{
    /// <summary>
    /// Runs <paramref name="call"/> (<paramref name="calls"/> times per measurement) with <paramref name="change"/> off and on,
    /// alternating (off first in even rounds), after one warm-up round; prints and returns the medians, scaled.
    /// </summary>
    public static ((double Off, double On) Wall, (double Off, double On) Cpu) Compare(string work, Action call, int rounds, int calls, double scale, Action<bool> change)
    {
        var wall = new[] { new List<double>(), new List<double>() };
        var cpu = new[] { new List<double>(), new List<double>() };
        var process = Process.GetCurrentProcess();
        var stopwatch = new Stopwatch();
        for (int round = 0; round <= rounds; round++)
        {
            foreach (bool on in round % 2 == 0 ? [false, true] : new[] { true, false })
            {
                change(on);
                process.Refresh();
                var used = process.TotalProcessorTime;
                stopwatch.Restart();
                for (int i = 0; i < calls; i++) call();
                double ms = stopwatch.Elapsed.TotalMilliseconds / calls;
                process.Refresh();
                double cpuMs = (process.TotalProcessorTime - used).TotalMilliseconds / calls;
                if (round == 0) continue; // warm-up
                wall[on ? 1 : 0].Add(ms * scale);
                cpu[on ? 1 : 0].Add(cpuMs * scale);
            }
        }

        change(true); // what runs next runs with the change on, the default
        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        var result = ((Median(wall[0]), Median(wall[1])), (Median(cpu[0]), Median(cpu[1])));
        Console.WriteLine($"{work,-52} {result.Item1.Item1,9:0.000} {result.Item1.Item2,9:0.000} {result.Item1.Item1 / result.Item1.Item2,8:0.00}× {result.Item2.Item1,9:0.000} {result.Item2.Item2,9:0.000} {result.Item2.Item1 / result.Item2.Item2,8:0.00}×");
        return result;
    }
}
