using System.Collections.ObjectModel;
using System.Globalization;

namespace Axon.Samples.Reporting;

/// <summary>A titled table of the whole run, such as "Ablation agreement (Pearson r)". Rows are copied at construction.</summary>
public sealed class ReportTable
{
    /// <summary>Builds a table whose rows each have one cell per header.</summary>
    /// <param name="title">Heading shown above the table.</param>
    /// <param name="headers">Column headers; at least one.</param>
    /// <param name="rows">The rows, each with exactly <c>headers.Count</c> cells; may be empty.</param>
    /// <param name="caption">Text shown under the table (what the numbers mean), if any.</param>
    /// <exception cref="ArgumentException">There are no headers, or a row has the wrong number of cells.</exception>
    public ReportTable(string title, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<TableCell>> rows, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        if (headers.Count == 0)
            throw new ArgumentException($"Table '{title}' needs at least one column header.", nameof(headers));
        for (int c = 0; c < headers.Count; c++)
        {
            if (headers[c] is null)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Table '{title}': header {c} is null."), nameof(headers));
        }

        var copied = new IReadOnlyList<TableCell>[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            IReadOnlyList<TableCell>? row = rows[r];
            if (row is null)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Table '{title}': row {r} is null."), nameof(rows));
            if (row.Count != headers.Count)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Table '{title}': row {r} has {row.Count} cells for {headers.Count} columns."),
                    nameof(rows));
            }

            copied[r] = new ReadOnlyCollection<TableCell>(row.ToArray());
        }

        Title = title;
        Headers = new ReadOnlyCollection<string>(headers.ToArray());
        Rows = new ReadOnlyCollection<IReadOnlyList<TableCell>>(copied);
        Caption = caption;
    }

    /// <summary>Heading shown above the table.</summary>
    public string Title { get; }

    /// <summary>Column headers.</summary>
    public IReadOnlyList<string> Headers { get; }

    /// <summary>The rows, each with one cell per header.</summary>
    public IReadOnlyList<IReadOnlyList<TableCell>> Rows { get; }

    /// <summary>Text shown under the table, if any.</summary>
    public string? Caption { get; }
}
