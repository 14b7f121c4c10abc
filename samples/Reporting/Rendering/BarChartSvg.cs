using System.Globalization;

namespace Axon.Samples.Reporting.Rendering;

/// <summary>
/// Draws a <see cref="FilterBarChart"/> as inline SVG: paired bars per filter on one signed value axis with
/// round-number ticks, grid lines, a zero line, filter labels (wrapped or slanted when they do not fit) and a legend.
/// Each bar carries its exact value in <c>data-value</c> and a hover tooltip.
/// </summary>
internal static class BarChartSvg
{
    public const string FirstColor = "#0f8b8d";
    public const string SecondColor = "#e8871e";
    public const double ViewWidth = 560;
    public const double PlotTop = 40;
    public const double PlotHeight = 190;

    private const double RightMargin = 12;
    private const double FontSize = 11;
    private const double CharWidth = 6.3;      // a generous average advance of an 11-px sans-serif character
    private const double SlantDegrees = 35;
    private const int MaxSlantedChars = 28;

    public static void Write(Markup m, FilterBarChart chart)
    {
        int count = chart.Count;
        ReadOnlySpan<double> first = chart.Conductance;
        ReadOnlySpan<double> second = chart.AblationDrop;

        double low = 0, high = 0;
        for (int i = 0; i < count; i++)
        {
            low = Math.Min(low, Math.Min(first[i], second[i]));
            high = Math.Max(high, Math.Max(first[i], second[i]));
        }

        if (low == high) high = 1; // every value is zero: draw an empty positive axis
        double step = NiceStep((high - low) / 5);
        long firstTick = (long)Math.Floor(low / step + 1e-9);
        long lastTick = (long)Math.Ceiling(high / step - 1e-9);
        double axisLow = firstTick * step, axisHigh = lastTick * step;

        var tickTexts = new List<(double Value, string Text)>();
        double widestTick = 0;
        for (long t = firstTick; t <= lastTick; t++)
        {
            double value = t * step;
            string text = NumberText.Format(value);
            tickTexts.Add((value, text));
            widestTick = Math.Max(widestTick, TextWidth(text));
        }

        bool hasAxisTitle = !string.IsNullOrEmpty(chart.ValueAxisTitle);
        double plotLeft = Math.Ceiling(widestTick + 12 + (hasAxisTitle ? 18 : 0));
        double plotWidth = ViewWidth - plotLeft - RightMargin;
        double slot = plotWidth / count;
        double barWidth = Math.Min(slot * 0.36, 34);

        var layout = LayoutLabels(chart.Labels, slot - 6);
        double labelArea = layout.Mode switch
        {
            LabelMode.OneLine => 20,
            LabelMode.TwoLines => 34,
            _ => Math.Ceiling(layout.WidestLine * Math.Sin(SlantDegrees * Math.PI / 180) + FontSize + 12),
        };
        double plotBottom = PlotTop + PlotHeight;
        double viewHeight = Math.Ceiling(plotBottom + labelArea + 4);

        double Y(double value) => PlotTop + (axisHigh - value) / (axisHigh - axisLow) * PlotHeight;
        double zeroY = Y(0);

        m.Raw("<svg class=\"bar-chart\" xmlns=\"http://www.w3.org/2000/svg\"")
            .Attr("viewBox", "0 0 " + C(ViewWidth) + " " + C(viewHeight))
            .Attr("width", C(ViewWidth))
            .Attr("height", C(viewHeight))
            .Attr("role", "img")
            .Attr("aria-label", $"{chart.FirstSeriesName} and {chart.SecondSeriesName} of {count} filters")
            .Attr("data-axis-min", NumberText.RoundTrip(axisLow))
            .Attr("data-axis-max", NumberText.RoundTrip(axisHigh))
            .Raw(">").Line();

        // Legend.
        double legendX = plotLeft;
        foreach (var (name, color, series) in new[] { (chart.FirstSeriesName, FirstColor, "s1"), (chart.SecondSeriesName, SecondColor, "s2") })
        {
            m.Raw("<rect class=\"swatch " + series + "\"").Attr("x", C(legendX)).Attr("y", "10").Attr("width", "11").Attr("height", "11")
                .Attr("rx", "2").Attr("fill", color).Raw("/>");
            m.Raw("<text class=\"legend-text\"").Attr("x", C(legendX + 16)).Attr("y", "19.5").Raw(">").Text(name).Raw("</text>").Line();
            legendX += 16 + TextWidth(name) + 22;
        }

        // Grid and value ticks.
        foreach (var (value, text) in tickTexts)
        {
            double y = Y(value);
            if (value != 0)
            {
                m.Raw("<line class=\"grid\"").Attr("x1", C(plotLeft)).Attr("x2", C(plotLeft + plotWidth))
                    .Attr("y1", C(y)).Attr("y2", C(y)).Raw("/>");
            }

            m.Raw("<text class=\"tick\" text-anchor=\"end\"").Attr("x", C(plotLeft - 6)).Attr("y", C(y)).Attr("dy", "0.35em")
                .Raw(">").Text(text).Raw("</text>").Line();
        }

        if (hasAxisTitle)
        {
            double cy = PlotTop + PlotHeight / 2;
            m.Raw("<text class=\"axis-title\" text-anchor=\"middle\"").Attr("x", "12").Attr("y", C(cy))
                .Attr("transform", "rotate(-90 12 " + C(cy) + ")").Raw(">").Text(chart.ValueAxisTitle!).Raw("</text>").Line();
        }

        // Bars and filter labels.
        for (int i = 0; i < count; i++)
        {
            double center = plotLeft + slot * (i + 0.5);
            string label = chart.Labels[i];
            Bar(m, "s1", FirstColor, center - barWidth - 1, barWidth, Y(first[i]), zeroY, first[i], label, chart.FirstSeriesName);
            Bar(m, "s2", SecondColor, center + 1, barWidth, Y(second[i]), zeroY, second[i], label, chart.SecondSeriesName);

            double labelY = plotBottom + 15;
            switch (layout.Mode)
            {
                case LabelMode.OneLine:
                case LabelMode.TwoLines:
                    m.Raw("<text class=\"label\" text-anchor=\"middle\"").Attr("x", C(center)).Attr("y", C(labelY)).Raw(">");
                    string[] lines = layout.Lines[i];
                    for (int l = 0; l < lines.Length; l++)
                    {
                        m.Raw("<tspan").Attr("x", C(center)).Attr("dy", l == 0 ? "0" : "1.2em").Raw(">").Text(lines[l]).Raw("</tspan>");
                    }

                    m.Raw("<title>").Text(label).Raw("</title></text>").Line();
                    break;
                default:
                    double x = center + 3, y = plotBottom + 12;
                    m.Raw("<text class=\"label\" text-anchor=\"end\"").Attr("x", C(x)).Attr("y", C(y))
                        .Attr("transform", string.Create(CultureInfo.InvariantCulture, $"rotate(-{SlantDegrees} {C(x)} {C(y)})"))
                        .Raw(">").Text(layout.Lines[i][0]).Raw("<title>").Text(label).Raw("</title></text>").Line();
                    break;
            }
        }

        m.Raw("<line class=\"zero\"").Attr("x1", C(plotLeft)).Attr("x2", C(plotLeft + plotWidth))
            .Attr("y1", C(zeroY)).Attr("y2", C(zeroY)).Raw("/>").Line();
        m.Raw("</svg>").Line();
    }

    /// <summary>A round step (1, 2, 2.5 or 5 × 10ᵏ) at least <paramref name="rough"/>.</summary>
    internal static double NiceStep(double rough)
    {
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double normalized = rough / magnitude;
        double nice = normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 2.5 ? 2.5 : normalized <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    private static void Bar(Markup m, string series, string color, double x, double width, double valueY, double zeroY,
        double value, string label, string seriesName)
    {
        double top = Math.Min(valueY, zeroY);
        double height = Math.Abs(valueY - zeroY);
        m.Raw("<rect class=\"bar " + series + "\"").Attr("x", C(x)).Attr("y", C(top)).Attr("width", C(width)).Attr("height", C(height))
            .Attr("fill", color).Attr("data-value", NumberText.RoundTrip(value)).Raw(">")
            .Raw("<title>").Text(label + " — " + seriesName + ": " + NumberText.Format(value)).Raw("</title></rect>").Line();
    }

    private enum LabelMode
    {
        OneLine,
        TwoLines,
        Slanted,
    }

    private sealed record LabelLayout(LabelMode Mode, string[][] Lines, double WidestLine);

    private static LabelLayout LayoutLabels(IReadOnlyList<string> labels, double available)
    {
        double widest = labels.Max(TextWidth);
        if (widest <= available)
            return new LabelLayout(LabelMode.OneLine, labels.Select(l => new[] { l }).ToArray(), widest);

        var split = labels.Select(SplitInTwo).ToArray();
        double widestLine = split.Max(lines => lines.Max(TextWidth));
        if (widestLine <= available)
            return new LabelLayout(LabelMode.TwoLines, split, widestLine);

        var slanted = labels.Select(l => new[] { l.Length <= MaxSlantedChars ? l : l[..(MaxSlantedChars - 1)] + "…" }).ToArray();
        return new LabelLayout(LabelMode.Slanted, slanted, slanted.Max(lines => TextWidth(lines[0])));
    }

    /// <summary>Splits at the space nearest the middle ("conv1 filter 3" → "conv1", "filter 3"); one line if there is none.</summary>
    private static string[] SplitInTwo(string label)
    {
        int best = -1;
        for (int i = 0; i < label.Length; i++)
        {
            if (label[i] == ' ' && (best < 0 || Math.Abs(i - label.Length / 2.0) < Math.Abs(best - label.Length / 2.0)))
                best = i;
        }

        return best < 0 ? [label] : [label[..best], label[(best + 1)..]];
    }

    private static double TextWidth(string text) => text.Length * CharWidth;

    private static string C(double value) => NumberText.Coordinate(value);
}
