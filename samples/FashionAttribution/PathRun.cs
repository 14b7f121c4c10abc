using Axon.Attribution;

namespace Axon.Samples.Fashion;

/// <summary>
/// What the main job reads from a path method's <see cref="AttributionReport"/>: the n it used and whether its
/// delta is the completeness gap. The one place that touches the runtime's report type, so a change there is one
/// change here.
/// </summary>
internal readonly record struct PathRun(int Steps, bool DeltaIsCompletenessGap)
{
    public static PathRun Of(AttributionReport report) => new(report.Steps, report.DeltaIsCompletenessGap);
}
