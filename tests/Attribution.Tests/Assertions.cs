namespace Axon.Attribution.Tests;

internal static class Check
{
    /// <summary>max |a − b| ≤ tolerance · max(1, max |b|): a relative check that does not blow up near zero.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance, string what = "")
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 1, worst = 0;
        int at = -1;
        foreach (double e in expected) scale = Math.Max(scale, Math.Abs(e));
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            if (!(error <= worst)) { worst = error; at = i; }
        }

        Assert.True(worst <= tolerance * scale, $"{what}: max error {worst:E3} at {at} (expected {(at >= 0 ? expected[at] : 0)}, got {(at >= 0 ? actual[at] : 0)}), allowed {tolerance * scale:E3}");
    }

    public static void Close(double expected, double actual, double tolerance, string what = "")
        => Close([expected], [actual], tolerance, what);

    public static double Sum(ReadOnlySpan<double> values)
    {
        double s = 0;
        foreach (double v in values) s += v;
        return s;
    }
}
