using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Axon.Attribution;
using Axon.Samples.Reporting;
using TableCell = Axon.Samples.Reporting.TableCell;

namespace Axon.Samples.Fashion;

/// <summary>
/// The exact rule (<see cref="IntegrationRule.Exact"/>) on the shipped CNN for the first evaluated images, in double and
/// float, beside adaptive Gauss–Legendre that doubles n until the relative quadrature error is ≤ 10⁻³ (at most 4,096
/// nodes), in the same run: IG of the predicted class's logit, black baseline.
/// </summary>
internal static class ExactRuleRun
{
    /// <summary>Images the measurement runs on (the first ones of the evaluation's): 0.4 s each on 2 cores.</summary>
    public static int Images(int evaluated) => Math.Min(evaluated, 100);

    public static ReportTable Table(FashionCnn model, ImageSet images, int[] predicted)
    {
        int count = Images(images.Count), n = FashionCnn.InputSize;
        var pixels = images.Pixels.AsSpan(0, count * n).ToArray();
        var twin = new FashionCnnDouble();
        for (int i = 0; i < model.Parameters.Length; i++) twin.Parameters[i] = model.Parameters[i];
        var rows = new List<IReadOnlyList<TableCell>>
        {
            Row("double", new Attributor<double>(twin), pixels.Select(v => (double)v).ToArray(), predicted, count),
            Row("float", new Attributor<float>(model), pixels, predicted, count),
        };

        return new ReportTable(
            string.Create(CultureInfo.InvariantCulture, $"The exact rule on the shipped CNN ({count} images)"),
            ["Type", "Exact: ms per image", "Segments per image: mean", "max", "Max relative quadrature error", "Gauss–Legendre to 10⁻³: ms per image", "Its max relative error", "n reached", "Exact / GL time"],
            rows,
            "IG of the predicted class's logit, black baseline, the first images of the evaluation. The exact rule walks α from 0 to 1 through every " +
            "point where a ReLU input crosses zero or a max-pool's winner changes (every one of the 6,272 + 3,136 + 64 ReLU inputs and 1,568 + 784 " +
            "pooling windows can break), and adds each segment's constant gradient times its length; each segment costs a forward, a tangent and a " +
            "backward. Gauss–Legendre starts at n = 8 and doubles n until the relative quadrature error |Σ attributions − ΔF| / |ΔF| is at most 10⁻³ " +
            "on every image, up to 4,096 nodes (some images do not get there). The whole test set is not run here: at about 0.4 s per image it " +
            "would take over an hour on 2 cores.");
    }

    private static IReadOnlyList<TableCell> Row<T>(string type, Attributor<T> engine, T[] pixels, int[] predicted, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int Chunk = 64;
        int n = FashionCnn.InputSize;
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
            var x = pixels.AsSpan(first * n, rows * n);
            var target = AttributionTarget<T>.Classes(predicted.AsSpan(first, rows));
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

        return [type, 1000 * exactSeconds / count, (double)segments / count, mostSegments, exactWorst, 1000 * glSeconds / count, glWorst, mostSteps, exactSeconds / glSeconds];
    }
}
