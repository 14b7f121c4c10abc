using System.Globalization;
using Axon.Samples.Reporting;

namespace Axon.Samples.Fashion;

/// <summary>
/// What a whole-set CSV of the exact rule (<see cref="ExactTestSetCsv"/>) adds up to: how many images, the segments per
/// image (mean, max), the largest |delta| absolute and relative, the exact rule's total time, and adaptive
/// Gauss–Legendre's to a relative error of 10⁻³ on the same images for comparison; wall time, and the process's CPU
/// time, which a busy machine barely changes.
/// </summary>
internal sealed record ExactTestSetSummary(
    int Images, int FirstIndex, int LastIndex, double MeanSegments, int MostSegments, double WorstDelta, double WorstRelativeDelta,
    double ExactSeconds, double GaussLegendreSeconds, int MostGaussLegendreNodes, double WorstGaussLegendreRelativeDelta, int GaussLegendreMisses,
    double ExactCpuSeconds, double GaussLegendreCpuSeconds)
{
    /// <summary>Adds up <paramref name="results"/>; an image that appears twice (two runs over one range) counts once, its first line.</summary>
    /// <exception cref="ArgumentException">There are no results.</exception>
    public static ExactTestSetSummary Of(IReadOnlyList<ExactImageResult> results)
    {
        var unique = results.DistinctBy(r => r.Index).ToList();
        if (unique.Count == 0) throw new ArgumentException("The CSV holds no results yet.", nameof(results));
        return new ExactTestSetSummary(
            unique.Count, unique.Min(r => r.Index), unique.Max(r => r.Index), unique.Average(r => (double)r.Segments), unique.Max(r => r.Segments),
            unique.Max(r => Math.Abs(r.Delta)), unique.Max(r => r.RelativeDelta), unique.Sum(r => r.ExactMilliseconds) / 1000,
            unique.Sum(r => r.GaussLegendreMilliseconds) / 1000, unique.Max(r => r.GaussLegendreNodes), unique.Max(r => r.GaussLegendreRelativeDelta),
            unique.Count(r => r.GaussLegendreRelativeDelta > 1e-3), unique.Sum(r => r.ExactCpuMilliseconds) / 1000,
            unique.Sum(r => r.GaussLegendreCpuMilliseconds) / 1000);
    }

    /// <summary>Prints the summary, one figure a line.</summary>
    public void Print(TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"Images: {Images:N0} (test-set indices {FirstIndex}–{LastIndex})"));
        output.WriteLine(string.Create(c, $"Segments per image: mean {MeanSegments:F1}, max {MostSegments:N0}"));
        output.WriteLine(string.Create(c, $"Exact rule: max |delta| {WorstDelta:E2}, max relative delta {WorstRelativeDelta:E2}"));
        output.WriteLine(string.Create(c, $"Exact rule: {ExactSeconds:F1} s in all, {1000 * ExactSeconds / Images:F1} ms per image"));
        output.WriteLine(string.Create(c,
            $"Gauss–Legendre to relative delta ≤ 1e-3: {GaussLegendreSeconds:F1} s in all, {1000 * GaussLegendreSeconds / Images:F1} ms per image, n up to {MostGaussLegendreNodes:N0}, " +
            $"max relative delta {WorstGaussLegendreRelativeDelta:E2} ({GaussLegendreMisses:N0} images above 1e-3 at n = 4,096)"));
        output.WriteLine(string.Create(c, $"Exact / Gauss–Legendre time: {ExactSeconds / GaussLegendreSeconds:F2}"));
        output.WriteLine(double.IsNaN(ExactCpuSeconds)
            ? "CPU time: not recorded (a CSV from before the CPU-time columns)"
            : string.Create(c,
                $"CPU time (both cores): exact {1000 * ExactCpuSeconds / Images:F1} ms per image, Gauss–Legendre {1000 * GaussLegendreCpuSeconds / Images:F1} ms per image, " +
                $"exact / Gauss–Legendre {ExactCpuSeconds / GaussLegendreCpuSeconds:F2}"));
    }

    /// <summary>A CPU-time figure, or "not recorded" for a CSV from before the CPU-time columns (NaN).</summary>
    private static TableCell CpuCell(double value) => double.IsNaN(value) ? "not recorded" : value;

    /// <summary>The summary as one row of the evaluation's tables (docs/results.md), naming the CSV it comes from.</summary>
    /// <param name="source">The CSV's path as given on the command line.</param>
    public ReportTable Table(string source) => new(
        string.Create(CultureInfo.InvariantCulture, $"The exact rule on the whole test set ({Images:N0} images)"),
        ["Images", "Segments per image: mean", "max", "Max |delta|", "Max relative delta", "Exact: ms per image",
         "Gauss–Legendre to 10⁻³: ms per image", "n up to", "Images GL left above 10⁻³", "Exact / GL time",
         "Exact: CPU ms per image", "GL: CPU ms per image", "Exact / GL CPU time"],
        [[Images, MeanSegments, MostSegments, WorstDelta, WorstRelativeDelta, 1000 * ExactSeconds / Images,
          1000 * GaussLegendreSeconds / Images, MostGaussLegendreNodes, GaussLegendreMisses, ExactSeconds / GaussLegendreSeconds,
          CpuCell(1000 * ExactCpuSeconds / Images), CpuCell(1000 * GaussLegendreCpuSeconds / Images), CpuCell(ExactCpuSeconds / GaussLegendreCpuSeconds)]],
        string.Create(CultureInfo.InvariantCulture,
            $"From '{Path.GetFileName(source)}', written in resumable chunks by --exact-test-set (test-set indices {FirstIndex}–{LastIndex}; ") +
            "double, IG of the predicted class's logit, black baseline) and summarised here. Times are per image within chunks of 16 images: wall time " +
            "on whatever load the chunks met, and the process's CPU time on both cores, which other programs on the machine barely change; Gauss–Legendre doubles n from 8 until the relative delta is at most 10⁻³, up to 4,096 nodes.");
}
