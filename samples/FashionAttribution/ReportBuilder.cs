using System.Globalization;
using Axon.Data;
using Axon.Samples.Reporting;

namespace Axon.Samples.Fashion;

/// <summary>Turns the main job's analyses and evaluation tables into the self-contained HTML report.</summary>
internal static class ReportBuilder
{
    /// <summary>Filters shown in each card's bar chart: the top ones by conductance.</summary>
    public const int BarFilters = 8;

    public static HtmlReport Create(string origin, ImageAnalyzer analyzer, IReadOnlyList<ImageAnalysis> analyses, IReadOnlyList<ReportTable> tables)
    {
        var report = new HtmlReport("Axon — Fashion-MNIST attribution");
        report.AddParagraph(
            $"{analyses.Count} images from the {origin}, explained against a black baseline with Gauss–Legendre quadrature ({StepsText(analyzer)}; patch IG at n = {analyzer.Steps}). " +
            $"The target is the predicted class's logit: every attribution is in units of its change ({ImageAnalyzer.AttributionUnit}), and IG's sum to F(x) − F(baseline). " +
            $"Filters are the {analyzer.FilterCount} channels of '{analyzer.LayerName}' (second convolution block, after ReLU); a filter's conductance sums its neurons' total conductance, " +
            "its ablation drop is the fall of the predicted class's logit when the filter's activations are replaced by their baseline activations. " +
            $"Patch IG maps show, for each top filter, how much of its conductance flows in through each 4×4-pixel patch, drawn over the faded input.");
        if (analyses.Count > 0) report.AddParagraph(TimeText(analyzer));
        foreach (var table in tables) report.AddTable(table);
        if (analyses.Count > 0) report.AddHeading("Per-image attributions");
        foreach (var analysis in analyses) report.AddCase(Case(analyzer, analysis));
        return report;
    }

    /// <summary>The n of the per-image attributions: fixed, or adaptive from n with its tolerance and largest n.</summary>
    private static string StepsText(ImageAnalyzer analyzer) => analyzer.Tolerance > 0
        ? $"n from {analyzer.Steps}, raised until the convergence delta is within {TestSetSummary.ToleranceText(analyzer.Tolerance)} of F(x) − F(baseline)"
        : $"n = {analyzer.Steps}";

    /// <summary>What the cards' times cover.</summary>
    internal static string TimeText(ImageAnalyzer analyzer) =>
        "Time: the wall-clock time of one image's whole analysis (prediction, IG, filter conductance, ablation drops, patch IG), " +
        (analyzer.WarmUpMilliseconds is { } warmUp
            ? string.Create(CultureInfo.InvariantCulture, $"measured after an untimed warm-up run on the first image (JIT compilation; it took {warmUp:F0} ms), so the first card's time is a warm one too.")
            : "with no warm-up run.");

    /// <summary>
    /// Why IG's and conductance's deltas and step counts agree, or what conductance's delta is when they need not:
    /// on a cut layer its conductances sum to the same path integral as IG.
    /// </summary>
    internal static string DeltaNote(string layer, ImageAnalysis a) => OnePassNote(layer) + (a.ConductanceDeltaIsCompletenessGap
        ? $"IG and conductance have the same quadrature error and steps by construction: '{layer}' is a cut (every path from the input to the output crosses it), " +
          "so its conductances sum to the same path integral as IG; for both, the quadrature error is also the completeness gap Σ attributions − (F(x) − F(baseline))."
        : $"The conductance figure is only the quadrature rule's error: '{layer}' is not a cut (a skip connection bypasses it), " +
          "so its conductances need not sum to F(x) − F(baseline) (completeness does not hold there); IG's quadrature error is its completeness gap.");

    /// <summary>Where IG and the conductances come from: one path pass, the same path points for both.</summary>
    internal static string OnePassNote(string layer) =>
        $"IG and the conductances of '{layer}' come from one path pass (layer conductance over [input, '{layer}']; the input's conductance is IG), so they share the path points and n. ";

    private static ReportCase Case(ImageAnalyzer analyzer, ImageAnalysis a)
    {
        var names = FashionMnist.ClassNames;
        var shown = a.Filters.Take(Math.Min(BarFilters, a.Filters.Length)).ToArray();
        return new ReportCase
        {
            Title = $"Test image #{a.SourceIndex} — true: {names[a.Label]}, predicted: {names[a.Predicted]} ({NumberText.Percent(a.Confidence, 1)})",
            Image = new Heatmap(28, 28, a.Image, "input"),
            IgMap = new Heatmap(28, 28, a.IgMap, "Integrated Gradients"),
            AttributionUnit = ImageAnalyzer.AttributionUnit,
            PatchMaps = a.PatchMaps.Select(p => new PatchMap($"{analyzer.LayerName} filter {p.Filter}", new Heatmap(ImageAnalyzer.PatchGrid, ImageAnalyzer.PatchGrid, p.Map, $"patch IG, filter {p.Filter}"))).ToArray(),
            FilterMaps = a.FilterMaps.Select(p => new PatchMap($"{analyzer.LayerName} filter {p.Filter}", new Heatmap(28, 28, p.Map, $"conductance map, filter {p.Filter}"))).ToArray(),
            FilterBars = new FilterBarChart(
                shown.Select(f => $"f{f.Filter}").ToArray(),
                shown.Select(f => f.Conductance).ToArray(),
                shown.Select(f => f.AblationDrop).ToArray(),
                valueAxisTitle: "Δ target logit")
            {
                TotalFilters = a.Filters.Length,
            },
            Facts =
            [
                ("F(x) − F(baseline)", a.TargetChange),
                ("IG quadrature error (= completeness gap)", a.IgDelta),
                (a.ConductanceDeltaIsCompletenessGap ? "Conductance quadrature error (= completeness gap)" : "Conductance quadrature error", a.ConductanceDelta),
                ("IG steps (Gauss–Legendre)", a.IgSteps),
                ("Conductance steps", a.ConductanceSteps),
                ("Time (ms, warm)", Math.Round(a.Milliseconds, 1)),
            ],
            Notes = [DeltaNote(analyzer.LayerName, a)],
        };
    }
}
