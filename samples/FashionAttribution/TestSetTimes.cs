using System.Globalization;

namespace Axon.Samples.Fashion;

/// <summary>
/// Where a test-set run's time went, in seconds of wall-clock time: the attributions (IG and layer conductance, from one
/// path pass), the filter ablations, and the rest (loading the chunk, prediction, filter scores, bookkeeping).
/// </summary>
/// <param name="AttributionSeconds">
/// The path passes: one per chunk gives IG and the layer's conductance together (layer conductance over [input, layer]), so
/// there is no separate IG or conductance time to report.
/// </param>
/// <param name="AblationSeconds">Filter ablation drops (one forward pass per filter and image).</param>
/// <param name="TotalSeconds">The whole run, as <see cref="TestSetSummary.Seconds"/>.</param>
internal sealed record TestSetTimes(double AttributionSeconds, double AblationSeconds, double TotalSeconds)
{
    /// <summary>Everything that is neither attribution nor ablation.</summary>
    public double OtherSeconds => Math.Max(0, TotalSeconds - AttributionSeconds - AblationSeconds);

    /// <summary>"attribution 3.10 s (IG and conductance in one path pass), ablations 2.00 s, other 0.40 s".</summary>
    public string Text() => string.Create(CultureInfo.InvariantCulture,
        $"attribution {AttributionSeconds:F2} s (IG and conductance in one path pass), ablations {AblationSeconds:F2} s, other {OtherSeconds:F2} s");
}
