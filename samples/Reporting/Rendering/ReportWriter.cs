using System.Globalization;

namespace Axon.Samples.Reporting.Rendering;

/// <summary>Writes a report's blocks as one self-contained HTML document with XHTML-compatible markup.</summary>
internal static class ReportWriter
{
    /// <summary>Longest side, in CSS pixels, of the input and IG images.</summary>
    public const int MainMapPixels = 168;

    /// <summary>Longest side, in CSS pixels, of each patch map.</summary>
    public const int PatchMapPixels = 84;

    public static string Write(string title, IReadOnlyList<ReportBlock> blocks)
    {
        var m = new Markup();
        m.Raw("<!DOCTYPE html>").Line()
            .Raw("<html lang=\"en\">").Line()
            .Raw("<head>").Line()
            .Raw("<meta charset=\"utf-8\"/>").Line()
            .Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>").Line()
            .Raw("<meta name=\"generator\" content=\"Axon.Samples.Reporting\"/>").Line()
            .Raw("<title>").Text(title).Raw("</title>").Line()
            .Raw("<style>").Line()
            .Raw(Stylesheet.Css)
            .Raw(".legend .ramp.diverging { background: " + ColorMaps.DivergingGradientCss() + "; }").Line()
            .Raw("</style>").Line()
            .Raw("</head>").Line()
            .Raw("<body>").Line()
            .Raw("<div class=\"page\">").Line();

        int cases = blocks.Count(b => b.Kind == ReportBlockKind.Case);
        int tables = blocks.Count(b => b.Kind == ReportBlockKind.Table);
        m.Raw("<header class=\"report-header\">").Line()
            .Element("h1", null, title).Line()
            .Element("div", "meta", Summary(cases, tables)).Line()
            .Raw("</header>").Line()
            .Raw("<main>").Line();

        if (blocks.Count == 0)
            m.Element("p", "empty", "This report is empty.").Line();

        int caseNumber = 0;
        for (int i = 0; i < blocks.Count; i++)
        {
            ReportBlock block = blocks[i];
            switch (block.Kind)
            {
                case ReportBlockKind.Paragraph:
                    m.Element("p", "text", block.Text!).Line();
                    break;
                case ReportBlockKind.Heading:
                    m.Element("h2", "section", block.Text!).Line();
                    break;
                case ReportBlockKind.Table:
                    m.Raw("<div class=\"tables\">").Line();
                    for (; i < blocks.Count && blocks[i].Kind == ReportBlockKind.Table; i++)
                        WriteTable(m, blocks[i].TableValue!);
                    i--;
                    m.Raw("</div>").Line();
                    break;
                case ReportBlockKind.Case:
                    m.Raw("<div class=\"cases\">").Line();
                    for (; i < blocks.Count && blocks[i].Kind == ReportBlockKind.Case; i++)
                        WriteCase(m, blocks[i].CaseValue!, ++caseNumber);
                    i--;
                    m.Raw("</div>").Line();
                    break;
                case ReportBlockKind.TokenHeatmap:
                    TokenHeatmapWriter.Write(m, block.TokenHeatmapValue!);
                    break;
            }
        }

        m.Raw("</main>").Line()
            .Element("footer", null, "Written by Axon.Samples.Reporting. Heatmaps: red positive, blue negative, white zero, each on a scale symmetric around zero.").Line()
            .Raw("</div>").Line()
            .Raw("</body>").Line()
            .Raw("</html>").Line();
        return m.ToString();
    }

    private static void WriteTable(Markup m, ReportTable table)
    {
        bool[] numeric = new bool[table.Headers.Count];
        for (int c = 0; c < numeric.Length; c++)
            numeric[c] = table.Rows.Count > 0 && table.Rows.All(row => row[c].IsNumber);

        m.Raw("<section class=\"card table-card\">").Line().Element("h3", null, table.Title).Line();
        m.Raw("<table class=\"data\">").Line();
        if (!string.IsNullOrEmpty(table.Caption))
            m.Element("caption", null, table.Caption).Line();
        m.Raw("<thead><tr>");
        for (int c = 0; c < table.Headers.Count; c++)
            m.Raw("<th scope=\"col\"").Attr("class", numeric[c] ? "num" : "text").Raw(">").Text(table.Headers[c]).Raw("</th>");
        m.Raw("</tr></thead>").Line().Raw("<tbody>").Line();
        foreach (IReadOnlyList<TableCell> row in table.Rows)
        {
            m.Raw("<tr>");
            for (int c = 0; c < row.Count; c++)
                Cell(m, row[c]);
            m.Raw("</tr>").Line();
        }

        m.Raw("</tbody>").Line().Raw("</table>").Line().Raw("</section>").Line();
    }

    private static void Cell(Markup m, TableCell cell)
    {
        if (cell.IsNumber)
            m.Raw("<td class=\"num\"").Attr("data-value", NumberText.RoundTrip(cell.Value)).Raw(">").Text(cell.Text).Raw("</td>");
        else
            m.Element("td", null, cell.Text);
    }

    private static void WriteCase(Markup m, ReportCase reportCase, int number)
    {
        m.Raw("<article class=\"card case\"").Attr("id", "case-" + number.ToString(CultureInfo.InvariantCulture)).Raw(">").Line()
            .Element("h2", null, reportCase.Title).Line();

        Heatmap? image = reportCase.Image;
        Heatmap? ig = reportCase.IgMap;
        string? unit = reportCase.AttributionUnit;
        if (image is not null || ig is not null || reportCase.Facts.Count > 0)
        {
            m.Raw("<div class=\"case-top\">").Line();
            if (image is not null)
                WriteImage(m, image, reportCase.Title);
            if (ig is not null)
                WriteIg(m, ig, reportCase.OverlayIgOnImage ? image : null, unit, reportCase.Title);
            if (reportCase.Facts.Count > 0)
                WriteFacts(m, reportCase.Facts);
            m.Raw("</div>").Line();
        }

        foreach (string note in reportCase.Notes)
            m.Element("p", "note", note).Line();

        if (reportCase.PatchMaps.Count > 0)
            WritePatches(m, reportCase.PatchMaps, reportCase.OverlayPatchesOnImage ? image : null, unit, reportCase.Title);

        if (reportCase.FilterMaps.Count > 0)
            WriteFilterMaps(m, reportCase.FilterMaps, image, unit, reportCase.Title);

        if (reportCase.FilterBars is { } bars)
        {
            m.Raw("<section class=\"case-section bars\">").Line()
                .Element("h3", null, bars.FirstSeriesName + " vs " + bars.SecondSeriesName + " per filter").Line()
                .Element("p", "selection", Selection(bars)).Line();
            BarChartSvg.Write(m, bars);
            m.Raw("</section>").Line();
        }

        m.Raw("</article>").Line();
    }

    /// <summary>Which filters the bar chart shows: "top 8 of 16 filters by conductance", or "all 6 filters".</summary>
    internal static string Selection(FilterBarChart bars) =>
        bars.TotalFilters > bars.Count
            ? string.Create(CultureInfo.InvariantCulture, $"top {bars.Count} of {bars.TotalFilters} filters by {bars.FirstSeriesName.ToLowerInvariant()}")
            : string.Create(CultureInfo.InvariantCulture, $"all {bars.Count} {(bars.Count == 1 ? "filter" : "filters")}");

    private static void WriteImage(Markup m, Heatmap image, string title)
    {
        var (low, high) = MapImages.GrayRange(image);
        int zoom = MapImages.Zoom(image, MainMapPixels);
        m.Raw("<figure class=\"map input\">").Line();
        Caption(m, "Input", Size(image));
        Img(m, MapImages.GrayPng(image), image, image, zoom, "Input image: " + title);
        Legend(m, "gray", low, high, image.Width * zoom + 2, signed: false);
        m.Raw("</figure>").Line();
    }

    private static void WriteIg(Markup m, Heatmap ig, Heatmap? under, string? unit, string title)
    {
        double scale = ig.MaxAbs;
        bool overlay = under is not null && under.Height == ig.Height && under.Width == ig.Width;
        int zoom = MapImages.Zoom(ig, MainMapPixels);
        byte[] png = overlay ? MapImages.OverlayPng(ig, scale, under!) : MapImages.DivergingPng(ig, scale);
        m.Raw("<figure class=\"map ig\">").Line();
        Caption(m, "Integrated gradients", overlay ? "over the faded input" : Size(ig));
        Img(m, png, ig, ig, zoom, "Integrated-gradients map: " + title);
        Legend(m, "diverging", -scale, scale, ig.Width * zoom + 2, signed: true, UnitTitle(null, unit), unit);
        m.Raw("</figure>").Line();
    }

    private static void WritePatches(Markup m, IReadOnlyList<PatchMap> patches, Heatmap? under, string? unit, string title)
    {
        double scale = patches.Max(p => p.Map.MaxAbs);
        m.Raw("<section class=\"case-section patches\">").Line()
            .Element("h3", null, "Patch IG of the top filters").Line();
        if (under is not null)
        {
            Heatmap first = patches[0].Map;
            bool sameGrid = patches.All(p => p.Map.Height == first.Height && p.Map.Width == first.Width);
            string grid = sameGrid ? string.Create(CultureInfo.InvariantCulture, $"{first.Height}×{first.Width} patches") : "patches";
            m.Element("p", "patch-overlay-note",
                $"Each map's {grid} drawn over the faded {Size(under)} input, its outline in dark grey.").Line();
        }

        int zoom = under is not null
            ? MapImages.Zoom(under, PatchMapPixels)
            : patches.Min(p => MapImages.Zoom(p.Map, PatchMapPixels));
        m.Raw("<div class=\"patch-grid\">").Line();
        foreach (PatchMap patch in patches)
        {
            m.Raw(under is not null ? "<figure class=\"map patch overlay\">" : "<figure class=\"map patch\">");
            if (under is not null)
                Img(m, MapImages.PatchOverlayPng(patch.Map, scale, under), patch.Map, under, zoom, "Patch IG through " + patch.Label + " over the input: " + title);
            else
                Img(m, MapImages.DivergingPng(patch.Map, scale), patch.Map, patch.Map, zoom, "Patch IG through " + patch.Label + ": " + title);
            m.Element("figcaption", null, patch.Label).Raw("</figure>").Line();
        }

        m.Raw("</div>").Line();
        Legend(m, "diverging", -scale, scale, 220, signed: true, UnitTitle("shared scale", unit), unit);
        m.Raw("</section>").Line();
    }

    /// <summary>
    /// The top filters' conductance maps over the input: at the input's resolution, so each value sits where its pixel
    /// is; over the faded input when the sizes agree.
    /// </summary>
    private static void WriteFilterMaps(Markup m, IReadOnlyList<PatchMap> maps, Heatmap? under, string? unit, string title)
    {
        double scale = maps.Max(p => p.Map.MaxAbs);
        m.Raw("<section class=\"case-section filter-maps\">").Line()
            .Element("h3", null, "Conductance maps of the top filters").Line()
            .Element("p", "filter-maps-note",
                "Each map adds the conductance maps of one filter's neurons over the input pixels; a neuron's map is zero outside its receptive field, " +
                "so every value is drawn at its pixel's own position.").Line();
        m.Raw("<div class=\"patch-grid\">").Line();
        foreach (PatchMap map in maps)
        {
            bool overlay = under is not null && under.Height == map.Map.Height && under.Width == map.Map.Width;
            int zoom = MapImages.Zoom(map.Map, PatchMapPixels);
            m.Raw(overlay ? "<figure class=\"map filter-map overlay\">" : "<figure class=\"map filter-map\">");
            Img(m, overlay ? MapImages.OverlayPng(map.Map, scale, under!) : MapImages.DivergingPng(map.Map, scale), map.Map, map.Map, zoom,
                "Conductance map of " + map.Label + (overlay ? " over the input: " : ": ") + title);
            m.Element("figcaption", null, map.Label).Raw("</figure>").Line();
        }

        m.Raw("</div>").Line();
        Legend(m, "diverging", -scale, scale, 220, signed: true, UnitTitle("shared scale", unit), unit);
        m.Raw("</section>").Line();
    }

    /// <summary>A colour bar's title: what it is and, when known, the unit of its values.</summary>
    private static string? UnitTitle(string? what, string? unit) => (what, unit) switch
    {
        (null, null) => null,
        (_, null) => what,
        (null, _) => "Units: " + unit,
        _ => what + " · units: " + unit,
    };

    private static void WriteFacts(Markup m, IReadOnlyList<ReportFact> facts)
    {
        m.Raw("<table class=\"facts\"><tbody>").Line();
        foreach (ReportFact fact in facts)
        {
            m.Raw("<tr>").Raw("<th scope=\"row\">").Text(fact.Name).Raw("</th>");
            Cell(m, fact.Value);
            m.Raw("</tr>").Line();
        }

        m.Raw("</tbody></table>").Line();
    }

    private static void Caption(Markup m, string text, string sub)
    {
        m.Raw("<figcaption>").Text(text).Raw(" <span class=\"sub\">").Text(sub).Raw("</span></figcaption>").Line();
    }

    /// <summary>An image of <paramref name="map"/>'s values drawn at the size of <paramref name="pixels"/> (the map itself, or the input it is drawn over).</summary>
    private static void Img(Markup m, byte[] png, Heatmap map, Heatmap pixels, int zoom, string alt)
    {
        m.Raw("<img class=\"heatmap\"")
            .Attr("src", MapImages.DataUri(png))
            .Attr("width", (pixels.Width * zoom).ToString(CultureInfo.InvariantCulture))
            .Attr("height", (pixels.Height * zoom).ToString(CultureInfo.InvariantCulture))
            .Attr("alt", alt)
            .Attr("data-rows", map.Height.ToString(CultureInfo.InvariantCulture))
            .Attr("data-columns", map.Width.ToString(CultureInfo.InvariantCulture))
            .Raw("/>").Line();
    }

    private static void Legend(Markup m, string ramp, double min, double max, int width, bool signed, string? title = null, string? unit = null)
    {
        m.Raw("<div class=\"legend\"")
            .Attr("style", "width: " + width.ToString(CultureInfo.InvariantCulture) + "px")
            .Attr("data-min", NumberText.RoundTrip(min))
            .Attr("data-max", NumberText.RoundTrip(max));
        if (unit is not null) m.Attr("data-unit", unit);
        m.Raw(">");
        if (title is not null) m.Element("div", "title", title);
        m.Raw("<div").Attr("class", "ramp " + ramp).Raw("></div>");
        m.Raw("<div class=\"labels\">");
        m.Element("span", "min", signed ? NumberText.FormatSigned(min) : NumberText.Format(min));
        if (signed) m.Element("span", "mid", "0");
        m.Element("span", "max", signed ? NumberText.FormatSigned(max) : NumberText.Format(max));
        m.Raw("</div></div>").Line();
    }

    private static string Size(Heatmap map) =>
        string.Create(CultureInfo.InvariantCulture, $"{map.Height}×{map.Width}");

    /// <summary>What the report holds, in the reader's words: images explained and results tables, only those present.</summary>
    private static string Summary(int cases, int tables)
    {
        var parts = new List<string>(2);
        if (cases > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{cases} {(cases == 1 ? "image" : "images")} explained"));
        if (tables > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{tables} {(tables == 1 ? "results table" : "results tables")}"));
        return parts.Count == 0 ? "nothing to show yet" : string.Join(" · ", parts);
    }
}
