namespace Axon.Samples.Reporting.Rendering;

internal enum ReportBlockKind
{
    Paragraph,
    Heading,
    Table,
    Case,
    TokenHeatmap,
}

/// <summary>One item of a report, in the order it was added.</summary>
internal sealed class ReportBlock
{
    private ReportBlock(ReportBlockKind kind, string? text, ReportTable? table, ReportCase? reportCase)
    {
        Kind = kind;
        Text = text;
        TableValue = table;
        CaseValue = reportCase;
    }

    public ReportBlockKind Kind { get; }

    public string? Text { get; }

    public ReportTable? TableValue { get; }

    public ReportCase? CaseValue { get; }

    public static ReportBlock Paragraph(string text) => new(ReportBlockKind.Paragraph, text, null, null);

    public static ReportBlock Heading(string text) => new(ReportBlockKind.Heading, text, null, null);

    public static ReportBlock Table(ReportTable table) => new(ReportBlockKind.Table, null, table, null);

    public static ReportBlock Case(ReportCase reportCase) => new(ReportBlockKind.Case, null, null, reportCase);

    public TokenHeatmap? TokenHeatmapValue { get; private init; }

    public static ReportBlock Tokens(TokenHeatmap view) => new(ReportBlockKind.TokenHeatmap, null, null, null) { TokenHeatmapValue = view };
}
