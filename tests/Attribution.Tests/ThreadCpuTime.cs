using System.Runtime.InteropServices;

namespace Axon.Attribution.Tests;

/// <summary>
/// CPU time of the calling thread: what a computation costs, unlike wall-clock time, which on a machine shared with
/// other jobs also counts the time the thread waited for a core. Linux (clock_gettime); elsewhere wall-clock time.
/// </summary>
internal static class ThreadCpuTime
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>Runs <paramref name="action"/> and returns the CPU time it took on this thread.</summary>
    public static TimeSpan Measure(Action action)
    {
        if (!OperatingSystem.IsLinux())
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            action();
            return watch.Elapsed;
        }

        ClockGetTime(ClockThreadCpuTimeId, out var start);
        action();
        ClockGetTime(ClockThreadCpuTimeId, out var end);
        return TimeSpan.FromTicks(((end.Seconds - start.Seconds) * 1_000_000_000 + end.Nanoseconds - start.Nanoseconds) / 100);
    }
}
