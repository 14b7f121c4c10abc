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
    /// <summary>Images the measurement runs on (the first ones of the evaluation's): about 0.15–0.5 s each on 2 cores.</summary>
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
            "point where the network's slope along the path changes, and adds each segment's constant gradient times its length; each segment costs a " +
            "forward and a tangent to find its end, another forward and tangent at its midpoint and a backward there. Both ReLUs of the convolutions are read only by a max pooling, so the walk takes each pair as " +
            "max(0, max of the window's inputs): its 1,568 + 784 windows break when their leader changes while above zero or their maximum crosses " +
            "zero, and a ReLU input crossing zero under a positive neighbour is no breakpoint; the 64 ReLUs of the dense layer break at zero. " +
            "Gauss–Legendre starts at n = 8 and doubles n until the relative quadrature error |Σ attributions − ΔF| / |ΔF| is at most 10⁻³ " +
            "on every image, up to 4,096 nodes (some images do not get there). The whole test set runs in resumable chunks with " +
            "--exact-test-set --from A --to B --csv PATH (one line per image) and --summarise-exact PATH.");
    }

    private static IReadOnlyList<TableCell> Row<T>(string type, Attributor<T> engine, T[] pixels, int[] predicted, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = ExactRuleComparison.Measure(engine, pixels, predicted, count);
        return [type, m.ExactMillisecondsPerInput, m.MeanSegments, m.MostSegments, m.ExactWorstError, m.GaussLegendreMillisecondsPerInput, m.GaussLegendreWorstError, m.MostNodes, m.TimeRatio];
    }
}
