using System.Diagnostics;
using System.Numerics;
using Axon.Attribution;

namespace Axon.Samples.Fashion;

/// <summary>
/// The exact rule against adaptive Gauss–Legendre on the same inputs, in one run: IG of one class per input, black
/// baseline; Gauss–Legendre starts at n = 8 and doubles n until the relative quadrature error is at most 10⁻³ on every
/// input of a chunk, up to 4,096 nodes. Shared by the main job's evaluation (docs/results.md) and the attribution
/// benchmark, so both report the same measurement.
/// </summary>
public static class ExactRuleComparison
{
    /// <summary>Runs both rules over <paramref name="count"/> inputs of <paramref name="inputs"/>, 64 at a time.</summary>
    /// <param name="engine">The attribution engine of the model explained.</param>
    /// <param name="inputs">At least <paramref name="count"/> × InputSize values.</param>
    /// <param name="classes">The explained class per input.</param>
    /// <param name="count">How many inputs.</param>
    public static ExactRuleMeasurement Measure<T>(Attributor<T> engine, ReadOnlySpan<T> inputs, ReadOnlySpan<int> classes, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int Chunk = 64;
        int n = engine.Model.InputSize;
        var ig = new T[Chunk * n];
        var errors = new T[Chunk];
        var exact = new IntegrationOptions { Rule = IntegrationRule.Exact };
        var adaptive = new IntegrationOptions { Steps = 8, Tolerance = 1e-3, MaxSteps = 4096 };
        double exactWorst = 0, glWorst = 0, exactSeconds = 0, glSeconds = 0;
        long segments = 0;
        int mostSegments = 0, mostSteps = 0;
        for (int first = 0; first < count; first += Chunk)
        {
            int rows = Math.Min(Chunk, count - first);
            var x = inputs.Slice(first * n, rows * n);
            var target = AttributionTarget<T>.Classes(classes.Slice(first, rows));
            var watch = Stopwatch.StartNew();
            var report = engine.IntegratedGradients(x, target, Baseline<T>.Zero, ig.AsSpan(0, rows * n), exact, errors.AsSpan(0, rows));
            exactSeconds += watch.Elapsed.TotalSeconds;
            exactWorst = Math.Max(exactWorst, report.MaxRelativeQuadratureError);
            foreach (int s in engine.LastSegmentCounts)
            {
                segments += s;
                mostSegments = Math.Max(mostSegments, s);
            }

            watch.Restart();
            var gl = engine.IntegratedGradients(x, target, Baseline<T>.Zero, ig.AsSpan(0, rows * n), adaptive, errors.AsSpan(0, rows));
            glSeconds += watch.Elapsed.TotalSeconds;
            glWorst = Math.Max(glWorst, gl.MaxRelativeQuadratureError);
            mostSteps = Math.Max(mostSteps, gl.Steps);
        }

        return new ExactRuleMeasurement(count, exactSeconds, (double)segments / count, mostSegments, exactWorst, glSeconds, glWorst, mostSteps);
    }
}

/// <summary>What <see cref="ExactRuleComparison.Measure{T}"/> measured.</summary>
/// <param name="Inputs">How many inputs ran.</param>
/// <param name="ExactSeconds">Wall time of the exact rule over all inputs.</param>
/// <param name="MeanSegments">Segments (linear pieces of the path) per input, on average.</param>
/// <param name="MostSegments">The most segments of one input.</param>
/// <param name="ExactWorstError">The exact rule's largest relative quadrature error.</param>
/// <param name="GaussLegendreSeconds">Wall time of adaptive Gauss–Legendre over all inputs.</param>
/// <param name="GaussLegendreWorstError">Its largest relative quadrature error.</param>
/// <param name="MostNodes">The largest n it reached.</param>
public sealed record ExactRuleMeasurement(
    int Inputs, double ExactSeconds, double MeanSegments, int MostSegments, double ExactWorstError,
    double GaussLegendreSeconds, double GaussLegendreWorstError, int MostNodes)
{
    /// <summary>Milliseconds of the exact rule per input.</summary>
    public double ExactMillisecondsPerInput => 1000 * ExactSeconds / Inputs;

    /// <summary>Milliseconds of adaptive Gauss–Legendre per input.</summary>
    public double GaussLegendreMillisecondsPerInput => 1000 * GaussLegendreSeconds / Inputs;

    /// <summary>The exact rule's time over Gauss–Legendre's.</summary>
    public double TimeRatio => ExactSeconds / GaussLegendreSeconds;
}
