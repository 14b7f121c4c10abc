using System.Globalization;

namespace Axon.Samples.Reporting;

/// <summary>
/// Everything the report shows about one input ("case"): a title, the input image, its Integrated-Gradients map,
/// the patch-IG maps of the top filters, a conductance-versus-ablation bar chart and a key/value table.
/// Every part but the title is optional; parts left out are simply not drawn.
/// </summary>
public sealed class ReportCase
{
    /// <summary>Heading of the case, for example "Test image #17 — true: Sneaker, predicted: Sneaker (97.1%)".</summary>
    public required string Title { get; init; }

    /// <summary>The input as grey levels, normally in [0, 1] (0 black, 1 white); a wider range is stretched to black…white.</summary>
    public Heatmap? Image { get; init; }

    /// <summary>The Integrated-Gradients attribution of every input pixel: red positive, blue negative, white zero.</summary>
    public Heatmap? IgMap { get; init; }

    /// <summary>
    /// Whether to draw <see cref="IgMap"/> over a faded copy of <see cref="Image"/> (when both are present and the same
    /// size). True by default.
    /// </summary>
    public bool OverlayIgOnImage { get; init; } = true;

    /// <summary>The patch-IG maps of the top filters, drawn small on one shared symmetric colour scale.</summary>
    public IReadOnlyList<PatchMap> PatchMaps { get; init; } = [];

    /// <summary>Per-filter conductance against ablation drop, if measured.</summary>
    public FilterBarChart? FilterBars { get; init; }

    /// <summary>Key/value facts (convergence delta, steps, runtime…), in order.</summary>
    public IReadOnlyList<ReportFact> Facts { get; init; } = [];

    /// <summary>A copy whose lists can no longer change, after checking that nothing in it is null.</summary>
    internal ReportCase Freeze()
    {
        if (Title is null)
            throw new ArgumentException("A report case needs a title.", "reportCase");
        if (PatchMaps is null)
            throw new ArgumentException($"Case '{Title}': PatchMaps is null; leave it empty instead.", "reportCase");
        if (Facts is null)
            throw new ArgumentException($"Case '{Title}': Facts is null; leave it empty instead.", "reportCase");

        var patches = PatchMaps.ToArray();
        for (int i = 0; i < patches.Length; i++)
        {
            if (patches[i] is null)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Case '{Title}': patch map {i} is null."), "reportCase");
        }

        var facts = Facts.ToArray();
        for (int i = 0; i < facts.Length; i++)
        {
            if (facts[i] is null)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Case '{Title}': fact {i} is null."), "reportCase");
        }

        return new ReportCase
        {
            Title = Title,
            Image = Image,
            IgMap = IgMap,
            OverlayIgOnImage = OverlayIgOnImage,
            PatchMaps = Array.AsReadOnly(patches),
            FilterBars = FilterBars,
            Facts = Array.AsReadOnly(facts),
        };
    }
}
