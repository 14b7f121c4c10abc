using Axon.Data;
using Axon.Samples.Reporting;

namespace Axon.Samples.Fashion;

/// <summary>Turns the main job's analyses and evaluation tables into the self-contained HTML report.</summary>
internal static class ReportBuilder
{
    public static HtmlReport Create(string origin, ImageAnalyzer analyzer, IReadOnlyList<ImageAnalysis> analyses, IReadOnlyList<ReportTable> tables)
    {
        var report = new HtmlReport("Axon — Fashion-MNIST attribution");
        report.AddParagraph(
            $"{analyses.Count} images from the {origin}, explained against a black baseline with Gauss–Legendre quadrature (n from {analyzer.Steps}, raised until the convergence delta is within {analyzer.Tolerance:P1} of F(x) − F(baseline); patch IG at n = {analyzer.Steps}). " +
            $"Filters are the {analyzer.FilterCount} channels of '{analyzer.LayerName}' (second convolution block, after ReLU); a filter's conductance sums its neurons' total conductance, " +
            "its ablation drop is the fall of the predicted class's logit when the filter's activations are replaced by their baseline activations. " +
            $"Patch IG maps show, for each top filter, how much of its conductance flows in through each 4×4-pixel patch.");
        foreach (var table in tables) report.AddTable(table);
        if (analyses.Count > 0) report.AddHeading("Per-image attributions");
        foreach (var analysis in analyses) report.AddCase(Case(analyzer, analysis));
        return report;
    }

    private static ReportCase Case(ImageAnalyzer analyzer, ImageAnalysis a)
    {
        var names = FashionMnist.ClassNames;
        var shown = a.Filters.Take(Math.Min(8, a.Filters.Length)).ToArray();
        return new ReportCase
        {
            Title = $"Test image #{a.SourceIndex} — true: {names[a.Label]}, predicted: {names[a.Predicted]} ({a.Confidence:P1})",
            Image = new Heatmap(28, 28, a.Image, "input"),
            IgMap = new Heatmap(28, 28, a.IgMap, "Integrated Gradients"),
            PatchMaps = a.PatchMaps.Select(p => new PatchMap($"{analyzer.LayerName} filter {p.Filter}", new Heatmap(ImageAnalyzer.PatchGrid, ImageAnalyzer.PatchGrid, p.Map, $"patch IG, filter {p.Filter}"))).ToArray(),
            FilterBars = new FilterBarChart(
                shown.Select(f => $"f{f.Filter}").ToArray(),
                shown.Select(f => f.Conductance).ToArray(),
                shown.Select(f => f.AblationDrop).ToArray(),
                valueAxisTitle: "Δ target logit"),
            Facts =
            [
                ("F(x) − F(baseline)", a.TargetChange),
                ("IG convergence delta", a.IgDelta),
                ("Conductance delta", a.ConductanceDelta),
                ("IG steps (Gauss–Legendre)", a.IgSteps),
                ("Conductance steps", a.ConductanceSteps),
                ("Time (ms)", Math.Round(a.Milliseconds, 1)),
            ],
        };
    }
}
