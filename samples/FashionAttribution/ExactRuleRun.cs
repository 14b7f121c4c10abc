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
        var twin = FashionCnnDouble.From(model);
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
        var m = ExactRuleComparison.Measure(engine, pixels, predicted, count);
        return [type, m.ExactMillisecondsPerInput, m.MeanSegments, m.MostSegments, m.ExactWorstError, m.GaussLegendreMillisecondsPerInput, m.GaussLegendreWorstError, m.MostNodes, m.TimeRatio];
    }
}
