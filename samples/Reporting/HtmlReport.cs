using System.Text;
using Axon.Samples.Reporting.Rendering;

namespace Axon.Samples.Reporting;

/// <summary>
/// An attribution report: paragraphs, headings, tables and per-image cases, in the order they were added, written
/// as one self-contained HTML file (inline CSS, inline SVG charts, heatmaps as embedded PNG images; no script and
/// nothing fetched). The parts themselves are immutable; the report only grows.
/// </summary>
/// <example>
/// <code>
/// var report = new HtmlReport("Axon — Fashion-MNIST attribution");
/// report.AddParagraph("Integrated Gradients with 64 Gauss–Legendre steps, black baseline.");
/// report.AddCase(new ReportCase { Title = "Test image #17", Image = image, IgMap = ig });
/// report.AddTable(new ReportTable("Ablation agreement (Pearson r)", ["Method", "r"], [["Conductance", 0.91]]));
/// report.Save("report.html");
/// </code>
/// </example>
public sealed class HtmlReport
{
    private readonly List<ReportBlock> _blocks = [];

    /// <summary>Starts an empty report with the given page title.</summary>
    public HtmlReport(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        Title = title;
    }

    /// <summary>The page title and top heading.</summary>
    public string Title { get; }

    /// <summary>Number of cases added so far.</summary>
    public int CaseCount => _blocks.Count(b => b.Kind == ReportBlockKind.Case);

    /// <summary>Number of tables added so far.</summary>
    public int TableCount => _blocks.Count(b => b.Kind == ReportBlockKind.Table);

    /// <summary>Adds a paragraph of plain text (it is escaped; line breaks flow like spaces).</summary>
    public HtmlReport AddParagraph(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _blocks.Add(ReportBlock.Paragraph(text));
        return this;
    }

    /// <summary>Adds a token heatmap: the words of a text coloured by their scores, one row per method.</summary>
    public HtmlReport AddTokenHeatmap(TokenHeatmap view)
    {
        ArgumentNullException.ThrowIfNull(view);
        _blocks.Add(ReportBlock.Tokens(view));
        return this;
    }

    /// <summary>Adds a section heading.</summary>
    public HtmlReport AddHeading(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _blocks.Add(ReportBlock.Heading(text));
        return this;
    }

    /// <summary>Adds a table of the whole run. Consecutive tables are laid out side by side where there is room.</summary>
    public HtmlReport AddTable(ReportTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        _blocks.Add(ReportBlock.Table(table));
        return this;
    }

    /// <summary>Adds one image's attributions. Consecutive cases are laid out in a responsive grid.</summary>
    /// <exception cref="ArgumentException">The case has no title, or a null list or list entry.</exception>
    public HtmlReport AddCase(ReportCase reportCase)
    {
        ArgumentNullException.ThrowIfNull(reportCase);
        _blocks.Add(ReportBlock.Case(reportCase.Freeze()));
        return this;
    }

    /// <summary>The whole report as one HTML document (XHTML-compatible markup, UTF-8 text).</summary>
    public string ToHtml() => ReportWriter.Write(Title, _blocks);

    /// <summary>Writes <see cref="ToHtml"/> to <paramref name="path"/> as UTF-8 without a byte-order mark, creating the folder if needed.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        File.WriteAllText(path, ToHtml(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }
}
