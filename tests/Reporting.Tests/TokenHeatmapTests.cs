using System.Globalization;
using System.Xml.Linq;

namespace Axon.Samples.Reporting.Tests;

/// <summary>The token heatmap view: structure, colours by score per row, escaping, validation, and that it leaves the other views alone.</summary>
public class TokenHeatmapTests
{
    private static readonly string[] Words = ["the", "movie", "was", "very", "good"];

    private static TokenHeatmap View(string title = "\"the movie was very good\" → class 1") => new(title, Words,
    [
        ("layer IG", new float[] { 0.1f, -0.4f, 0f, 0.8f, 1.6f }),
        ("block 1", new float[] { 0.05f, 0.05f, 0.05f, 0.05f, 0.05f }),
    ], "completeness gap 1e-4");

    private static XElement TokenTable(XDocument doc) => doc.Find("table", "tokens").Single();

    [Fact]
    public void Each_row_shows_every_word_with_its_exact_score()
    {
        var report = new HtmlReport("Text").AddTokenHeatmap(View());
        XDocument doc = Xhtml.Parse(report.ToHtml());
        var rows = TokenTable(doc).Find("tr").ToArray();
        Assert.Equal(2, rows.Length);
        Assert.StartsWith("layer IG", rows[0].Find("th").Single().Value);
        Assert.Contains("±1.6", rows[0].Find("th").Single().Value);
        var cells = rows[0].Find("td", "token").ToArray();
        Assert.Equal(Words, cells.Select(c => c.Value));
        Assert.Equal(new[] { 0.1f, -0.4f, 0f, 0.8f, 1.6f }, cells.Select(c => (float)c.Number("data-value")));
        Assert.Equal("good: +1.6", (string?)cells[4].Attribute("title"));
        Assert.Equal("completeness gap 1e-4", doc.Find("p", "token-note").Single().Value);
    }

    [Fact]
    public void Colours_follow_the_sign_on_a_scale_per_row()
    {
        XDocument doc = Xhtml.Parse(new HtmlReport("Text").AddTokenHeatmap(View()).ToHtml());
        var rows = TokenTable(doc).Find("tr").ToArray();
        string[] first = [.. rows[0].Find("td", "token").Select(Background)];
        Assert.Equal("#ffffff", first[2]);                 // zero is white
        Assert.Equal("#ca0020", first[4]);                 // the row's largest score saturates red
        Assert.True(Blue(first[1]) > Red(first[1]));       // negative leans blue
        Assert.True(Red(first[3]) > Blue(first[3]));       // positive leans red
        // A row of equal scores saturates on its own scale, whatever the other rows hold.
        Assert.All(rows[1].Find("td", "token").Select(Background), color => Assert.Equal("#ca0020", color));
        // The saturated cell's word is white for contrast; the white cell's is the page ink.
        Assert.Contains("color: #ffffff", (string)rows[0].Find("td", "token").ElementAt(4).Attribute("style")!);
        Assert.Contains("color: #1f2328", (string)rows[0].Find("td", "token").ElementAt(2).Attribute("style")!);
    }

    [Fact]
    public void Words_and_titles_are_escaped()
    {
        var view = new TokenHeatmap("<b>title</b>", ["<script>", "&"], [("a & b", new float[] { 1, -1 })]);
        string html = new HtmlReport("Text").AddTokenHeatmap(view).ToHtml();
        Assert.DoesNotContain("<script>", html);
        XDocument doc = Xhtml.Parse(html);
        Assert.Equal("<b>title</b>", doc.Find("h3", "token-title").Single().Value);
        Assert.Equal(new[] { "<script>", "&" }, TokenTable(doc).Find("td", "token").Select(c => c.Value));
    }

    [Fact]
    public void Bad_rows_are_rejected_naming_the_row_and_token()
    {
        var error = Assert.Throws<ArgumentException>(() => new TokenHeatmap("t", Words, [("layer IG", new float[] { 1, 2 })]));
        Assert.Contains("Row 'layer IG' of token view 't' has 2 scores for 5 tokens", error.Message);
        error = Assert.Throws<ArgumentException>(() => new TokenHeatmap("t", Words, [("ig", new float[] { 0, 0, float.NaN, 0, 0 })]));
        Assert.Contains("at token 2 ('was')", error.Message);
        Assert.Throws<ArgumentException>(() => new TokenHeatmap("t", [], [("ig", Array.Empty<float>())]));
        Assert.Throws<ArgumentException>(() => new TokenHeatmap("t", Words, []));
    }

    [Fact]
    public void The_view_sits_between_the_other_blocks_and_leaves_them_as_they_were()
    {
        var plain = SampleReports.TwoCases();
        var withTokens = SampleReports.TwoCases().AddTokenHeatmap(View());
        XDocument before = Xhtml.Parse(plain.ToHtml());
        XDocument after = Xhtml.Parse(withTokens.ToHtml());
        Assert.Equal(before.Find("article", "case").Count(), after.Find("article", "case").Count());
        Assert.Equal(before.Find("table").Count() + 1, after.Find("table").Count());
        Assert.Single(after.Find("section", "token-view"));
        Assert.Equal(plain.CaseCount, withTokens.CaseCount);
    }

    private static string Background(XElement cell)
    {
        string style = (string)cell.Attribute("style")!;
        int start = style.IndexOf("background: ", StringComparison.Ordinal) + "background: ".Length;
        return style.Substring(start, 7);
    }

    private static int Red(string hex) => int.Parse(hex.AsSpan(1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static int Blue(string hex) => int.Parse(hex.AsSpan(5, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
