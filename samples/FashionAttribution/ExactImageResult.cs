using System.Globalization;

namespace Axon.Samples.Fashion;

/// <summary>
/// One test image under the exact rule, as one line of the whole-set CSV (<see cref="ExactTestSetCsv"/>): IG of the
/// predicted class's logit from the black baseline, in double, beside adaptive Gauss–Legendre to a relative error of 10⁻³.
/// </summary>
/// <param name="Index">The image's index in the Fashion-MNIST test set.</param>
/// <param name="Label">Its true class.</param>
/// <param name="Predicted">The class explained.</param>
/// <param name="Segments">Linear pieces of the path the exact rule walked.</param>
/// <param name="Delta">The exact rule's quadrature error Σ IG − (F(x) − F(x′)) (rounding only).</param>
/// <param name="RelativeDelta">|Delta| / |F(x) − F(x′)|.</param>
/// <param name="ExactMilliseconds">The image's share of its chunk's exact-rule wall time, in proportion to its segments.</param>
/// <param name="GaussLegendreMilliseconds">The image's share of its chunk's adaptive Gauss–Legendre wall time (an equal share).</param>
/// <param name="GaussLegendreNodes">The n adaptive Gauss–Legendre reached on the chunk.</param>
/// <param name="GaussLegendreRelativeDelta">Gauss–Legendre's relative quadrature error on this image.</param>
/// <param name="ExactCpuMilliseconds">
/// The image's share of the process's CPU time (all threads) during its chunk's exact rule, split as the wall time is.
/// Unlike wall time it barely moves when other programs share the cores, so runs under load stay comparable.
/// </param>
/// <param name="GaussLegendreCpuMilliseconds">The same for adaptive Gauss–Legendre.</param>
internal sealed record ExactImageResult(
    int Index, int Label, int Predicted, int Segments, double Delta, double RelativeDelta,
    double ExactMilliseconds, double GaussLegendreMilliseconds, int GaussLegendreNodes, double GaussLegendreRelativeDelta,
    double ExactCpuMilliseconds, double GaussLegendreCpuMilliseconds)
{
    /// <summary>The CSV's first line: the column names in order.</summary>
    public const string Header = "index,label,predicted,segments,delta,relative_delta,exact_ms,gl_ms,gl_n,gl_relative_delta,exact_cpu_ms,gl_cpu_ms";

    /// <summary>
    /// The first line of CSVs written before the CPU-time columns: still read (their CPU times are NaN, "not
    /// recorded"), never appended to.
    /// </summary>
    public const string HeaderWithoutCpuTimes = "index,label,predicted,segments,delta,relative_delta,exact_ms,gl_ms,gl_n,gl_relative_delta";

    private static readonly int Columns = Header.Split(',').Length;
    private static readonly int ColumnsWithoutCpuTimes = HeaderWithoutCpuTimes.Split(',').Length;

    /// <summary>The result as one CSV line (no line end), numbers round-tripping under the invariant culture.</summary>
    public string ToCsv() => string.Create(CultureInfo.InvariantCulture,
        $"{Index},{Label},{Predicted},{Segments},{Delta:R},{RelativeDelta:R},{ExactMilliseconds:F3},{GaussLegendreMilliseconds:F3},{GaussLegendreNodes},{GaussLegendreRelativeDelta:R},{ExactCpuMilliseconds:F3},{GaussLegendreCpuMilliseconds:F3}");

    /// <summary>
    /// Reads one CSV line written by <see cref="ToCsv"/> (or, with <paramref name="withCpuTimes"/> false, one of a CSV
    /// under <see cref="HeaderWithoutCpuTimes"/>); false for anything else (a cut-off line, another file's).
    /// </summary>
    public static bool TryParse(string line, out ExactImageResult result, bool withCpuTimes = true)
    {
        result = null!;
        var cells = line.Split(',');
        if (cells.Length != (withCpuTimes ? Columns : ColumnsWithoutCpuTimes)) return false;
        const NumberStyles Whole = NumberStyles.None;
        const NumberStyles Real = NumberStyles.Float;
        var c = CultureInfo.InvariantCulture;
        if (!int.TryParse(cells[0], Whole, c, out int index) || !int.TryParse(cells[1], Whole, c, out int label) ||
            !int.TryParse(cells[2], Whole, c, out int predicted) || !int.TryParse(cells[3], Whole, c, out int segments) ||
            !double.TryParse(cells[4], Real, c, out double delta) || !double.TryParse(cells[5], Real, c, out double relative) ||
            !double.TryParse(cells[6], Real, c, out double exactMs) || !double.TryParse(cells[7], Real, c, out double glMs) ||
            !int.TryParse(cells[8], Whole, c, out int glNodes) || !double.TryParse(cells[9], Real, c, out double glRelative))
            return false;
        double exactCpuMs = double.NaN, glCpuMs = double.NaN;
        if (withCpuTimes && (!double.TryParse(cells[10], Real, c, out exactCpuMs) || !double.TryParse(cells[11], Real, c, out glCpuMs)))
            return false;
        result = new ExactImageResult(index, label, predicted, segments, delta, relative, exactMs, glMs, glNodes, glRelative, exactCpuMs, glCpuMs);
        return true;
    }
}
