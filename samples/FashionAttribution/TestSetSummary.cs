using System.Globalization;
using Axon.Samples.Reporting;
using TableCell = Axon.Samples.Reporting.TableCell;

namespace Axon.Samples.Fashion;

/// <summary>
/// The totals of a test-set run, written the same way on the console and in the report: accuracy as a percentage,
/// numbers in the invariant culture (<see cref="NumberText"/>), and the n that actually ran.
/// </summary>
/// <param name="Images">Images attributed.</param>
/// <param name="Correct">Images whose predicted class is their label.</param>
/// <param name="MeanIgDelta">Mean |IG quadrature error| over the images.</param>
/// <param name="MeanConductanceDelta">Mean |conductance quadrature error| over the images.</param>
/// <param name="Pearson">Pearson r between the filters' conductance and ablation drop, pooled over images.</param>
/// <param name="Seconds">Wall-clock time of the run.</param>
/// <param name="Steps">The n the run started from (the fixed n when <paramref name="Tolerance"/> is 0).</param>
/// <param name="MaxStepsReached">The largest n any image needed, IG or conductance (the adaptive mode raises n per image).</param>
/// <param name="Tolerance">The adaptive mode's relative tolerance; 0: fixed n.</param>
/// <param name="LayerName">The layer whose filters were scored.</param>
/// <param name="ConductanceDeltaIsCompletenessGap">Whether the layer is a cut, so that conductance's delta is its completeness gap.</param>
/// <param name="Times">Where the time went (attribution, ablations, the rest), when measured.</param>
internal sealed record TestSetSummary(
    int Images,
    int Correct,
    double MeanIgDelta,
    double MeanConductanceDelta,
    double Pearson,
    double Seconds,
    int Steps,
    int MaxStepsReached,
    double Tolerance,
    string LayerName,
    bool ConductanceDeltaIsCompletenessGap,
    TestSetTimes? Times = null)
{
    public double Accuracy => Images == 0 ? double.NaN : (double)Correct / Images;

    public double MillisecondsPerImage => Images == 0 ? double.NaN : 1000 * Seconds / Images;

    /// <summary>The n that ran: "n = 50", or "n adaptive from 50, up to 200 reached (tolerance 1% of |F(x) − F(baseline)|)".</summary>
    public string StepsText => Tolerance > 0
        ? string.Create(CultureInfo.InvariantCulture, $"n adaptive from {Steps}, up to {MaxStepsReached} reached (tolerance {ToleranceText(Tolerance)} of |F(x) − F(baseline)|)")
        : string.Create(CultureInfo.InvariantCulture, $"n = {Steps}");

    /// <summary>A relative tolerance as a percentage without trailing zeros: 0.01 → "1%".</summary>
    public static string ToleranceText(double tolerance) => NumberText.Format(100 * tolerance) + "%";

    /// <summary>The one line the console prints after the run.</summary>
    public string ConsoleLine() => Totals() + (Times is null ? "" : "; time: " + Times.Text());

    private string Totals() => string.Create(CultureInfo.InvariantCulture,
        $"{Images} images in {Seconds:F1} s ({MillisecondsPerImage:F1} ms each): accuracy {NumberText.Percent(Accuracy)}, " +
        $"mean |IG quadrature error| {NumberText.Format(MeanIgDelta)}, mean |conductance quadrature error| {NumberText.Format(MeanConductanceDelta)}, " +
        $"Pearson(filter conductance, ablation drop) {NumberText.Format(Pearson)}; Gauss–Legendre {StepsText}");

    /// <summary>The report's table of the run.</summary>
    public ReportTable Table() => new(
        string.Create(CultureInfo.InvariantCulture, $"Test-set run ({Images} images, Gauss–Legendre {StepsText})"),
        ["Accuracy", "Mean |IG quadrature error|", "Mean |conductance quadrature error|", "Pearson r (conductance vs drop)", "ms per image"],
        [[TableCell.Percent(Accuracy), MeanIgDelta, MeanConductanceDelta, Pearson, MillisecondsPerImage]],
        $"Filters of '{LayerName}'; the target is the predicted class's logit. " + ReportBuilder.OnePassNote(LayerName) + (ConductanceDeltaIsCompletenessGap
            ? $"Both quadrature errors are also completeness gaps Σ attributions − (F(x) − F(baseline)); they are equal by construction, since '{LayerName}' is a cut: its conductances sum to the same path integral as IG."
            : $"IG's quadrature error is its completeness gap Σ attributions − (F(x) − F(baseline)); '{LayerName}' is not a cut, so the conductance delta is only the quadrature rule's error on its path integral."));
}
