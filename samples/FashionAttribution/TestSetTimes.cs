using System.Globalization;

namespace Axon.Samples.Fashion;

/// <summary>
/// Where a test-set run's time went, in seconds of wall-clock time: the attributions (IG and layer conductance),
/// the filter ablations, and the rest (loading the chunk, prediction, filter scores, bookkeeping).
/// </summary>
/// <param name="IgSeconds">Integrated Gradients calls.</param>
/// <param name="ConductanceSeconds">Layer conductance calls.</param>
/// <param name="AblationSeconds">Filter ablation drops (one forward pass per filter and image).</param>
/// <param name="TotalSeconds">The whole run, as <see cref="TestSetSummary.Seconds"/>.</param>
internal sealed record TestSetTimes(double IgSeconds, double ConductanceSeconds, double AblationSeconds, double TotalSeconds)
{
    /// <summary>IG and layer conductance together: the attribution time.</summary>
    public double AttributionSeconds => IgSeconds + ConductanceSeconds;

    /// <summary>Everything that is neither attribution nor ablation.</summary>
    public double OtherSeconds => Math.Max(0, TotalSeconds - AttributionSeconds - AblationSeconds);

    /// <summary>"attribution 3.1 s (IG 1.6 s, conductance 1.5 s), ablations 2.0 s, other 0.4 s".</summary>
    public string Text() => string.Create(CultureInfo.InvariantCulture,
        $"attribution {AttributionSeconds:F2} s (IG {IgSeconds:F2} s, conductance {ConductanceSeconds:F2} s), ablations {AblationSeconds:F2} s, other {OtherSeconds:F2} s");
}
