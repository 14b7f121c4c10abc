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

    /// <summary>
    /// What one unit of <see cref="IgMap"/> and of the <see cref="PatchMaps"/> is (for example "Δ logit of the
    /// predicted class"): attributions are shares of the change of the attributed target, so they carry its unit.
    /// Shown on their colour bars; none when null.
    /// </summary>
    public string? AttributionUnit { get; init; }

    /// <summary>The patch-IG maps of the top filters, drawn small on one shared symmetric colour scale.</summary>
    public IReadOnlyList<PatchMap> PatchMaps { get; init; } = [];

    /// <summary>
    /// Whether to draw each patch map over a faded, outlined copy of <see cref="Image"/> (when the image is present):
    /// the map's cells are stretched over the image, so each cell covers the pixels of its patch. True by default.
    /// </summary>
    public bool OverlayPatchesOnImage { get; init; } = true;

    /// <summary>
    /// The conductance maps of the top filters over the input pixels (each the sum of the filter's neurons' maps, every
    /// neuron's map at its receptive-field window), the same size as <see cref="Image"/> so every value sits at its true
    /// position; drawn over the faded input on one shared symmetric colour scale.
    /// </summary>
    public IReadOnlyList<PatchMap> FilterMaps { get; init; } = [];

    /// <summary>Per-filter conductance against ablation drop, if measured.</summary>
    public FilterBarChart? FilterBars { get; init; }

    /// <summary>Key/value facts (convergence delta, steps, runtime…), in order.</summary>
    public IReadOnlyList<ReportFact> Facts { get; init; } = [];

    /// <summary>Sentences shown in the card under the facts: what its numbers mean (for example why two deltas agree).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>A copy whose lists can no longer change, after checking that nothing in it is null.</summary>
    internal ReportCase Freeze()
    {
        if (Title is null)
            throw new ArgumentException("A report case needs a title.", "reportCase");
        if (PatchMaps is null)
            throw new ArgumentException($"Case '{Title}': PatchMaps is null; leave it empty instead.", "reportCase");
        if (FilterMaps is null || FilterMaps.Any(map => map is null))
            throw new ArgumentException($"Case '{Title}': FilterMaps is null or holds a null; leave it empty instead.", "reportCase");
        if (Facts is null)
            throw new ArgumentException($"Case '{Title}': Facts is null; leave it empty instead.", "reportCase");

        if (Notes is null)
            throw new ArgumentException($"Case '{Title}': Notes is null; leave it empty instead.", "reportCase");

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

        var notes = Notes.ToArray();
        for (int i = 0; i < notes.Length; i++)
        {
            if (notes[i] is null)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Case '{Title}': note {i} is null."), "reportCase");
        }

        return new ReportCase
        {
            Title = Title,
            Image = Image,
            IgMap = IgMap,
            OverlayIgOnImage = OverlayIgOnImage,
            AttributionUnit = AttributionUnit,
            PatchMaps = Array.AsReadOnly(patches),
            OverlayPatchesOnImage = OverlayPatchesOnImage,
            FilterMaps = Array.AsReadOnly(FilterMaps.ToArray()),
            FilterBars = FilterBars,
            Facts = Array.AsReadOnly(facts),
            Notes = Array.AsReadOnly(notes),
        };
    }
}
