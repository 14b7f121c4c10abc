using System.Globalization;

namespace Axon.Samples.Reporting.Rendering;

/// <summary>
/// Writes a <see cref="TokenHeatmap"/> as a table: a row per method, a cell per token with the word on its score's
/// colour (the report's diverging scale, symmetric per row) and the exact score in <c>data-value</c> and the tooltip.
/// </summary>
internal static class TokenHeatmapWriter
{
    /// <summary>Below this relative luminance a cell's word is written in white, above it in the page's ink.</summary>
    private const double DarkBackground = 0.35;

    public static void Write(Markup m, TokenHeatmap view)
    {
        var c = CultureInfo.InvariantCulture;
        m.Raw("<section class=\"token-view\">").Line()
            .Element("h3", "token-title", view.Title).Line()
            .Raw("<table class=\"tokens\">").Line()
            .Raw("<tbody>").Line();
        for (int row = 0; row < view.RowCount; row++)
        {
            float scale = view.Scale(row);
            m.Raw("<tr>").Raw("<th scope=\"row\">").Text(view.RowName(row))
                .Raw(" <span class=\"sub\">").Text(string.Create(c, $"±{NumberText.Format(scale)}")).Raw("</span></th>");
            var scores = view.Scores(row);
            for (int i = 0; i < view.Tokens.Count; i++)
            {
                Rgb color = ColorMaps.Diverging(scores[i], scale);
                string ink = Luminance(color) < DarkBackground ? "#ffffff" : "#1f2328";
                m.Raw("<td class=\"token\"")
                    .Attr("style", $"background: {color.Hex}; color: {ink};")
                    .Attr("data-value", NumberText.RoundTrip(scores[i]))
                    .Attr("title", string.Create(c, $"{view.Tokens[i]}: {NumberText.FormatSigned(scores[i])}"))
                    .Raw(">").Text(view.Tokens[i]).Raw("</td>");
            }

            m.Raw("</tr>").Line();
        }

        m.Raw("</tbody>").Line().Raw("</table>").Line();
        if (view.Note is not null) m.Element("p", "token-note", view.Note).Line();
        m.Raw("</section>").Line();
    }

    /// <summary>WCAG relative luminance of an sRGB colour.</summary>
    private static double Luminance(Rgb color)
    {
        static double Linear(byte channel)
        {
            double v = channel / 255.0;
            return v <= 0.04045 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);
        }

        return 0.2126 * Linear(color.R) + 0.7152 * Linear(color.G) + 0.0722 * Linear(color.B);
    }
}
