using System.Globalization;

namespace Axon.Samples.Reporting;

/// <summary>
/// A token heatmap: the words of one text, each coloured by its score, once per attribution method (one row per
/// method, e.g. layer IG at the embedding and the conductance of each encoder block). Each row has its own scale,
/// symmetric around zero, so methods with different magnitudes stay readable. The values are copied.
/// </summary>
public sealed class TokenHeatmap
{
    private readonly string[] _tokens;
    private readonly (string Name, float[] Scores)[] _rows;

    /// <summary>A view of <paramref name="tokens"/> with one row of scores per method.</summary>
    /// <param name="title">The heading of the view (e.g. the text and its prediction).</param>
    /// <param name="tokens">The words, in order; at least one, none null.</param>
    /// <param name="rows">Per method, its name and one finite score per token; at least one.</param>
    /// <param name="note">A line under the view (what the colours mean, completeness gaps), or null.</param>
    /// <exception cref="ArgumentException">No tokens or rows, a null entry, a row of the wrong length, or a score that is NaN or infinite.</exception>
    public TokenHeatmap(string title, IReadOnlyList<string> tokens, IReadOnlyList<(string Name, IReadOnlyList<float> Scores)> rows, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(rows);
        if (tokens.Count == 0) throw new ArgumentException($"Token view '{title}' needs at least one token.", nameof(tokens));
        if (tokens.Any(t => t is null)) throw new ArgumentException($"Token view '{title}' has a null token.", nameof(tokens));
        if (rows.Count == 0) throw new ArgumentException($"Token view '{title}' needs at least one row of scores.", nameof(rows));
        _tokens = [.. tokens];
        _rows = new (string, float[])[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            var (name, scores) = rows[r];
            if (name is null || scores is null) throw new ArgumentException($"Row {r} of token view '{title}' has no name or no scores.", nameof(rows));
            if (scores.Count != tokens.Count)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Row '{name}' of token view '{title}' has {scores.Count} scores for {tokens.Count} tokens."), nameof(rows));
            }

            for (int i = 0; i < scores.Count; i++)
            {
                if (!float.IsFinite(scores[i]))
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"Row '{name}' of token view '{title}' holds {scores[i]} at token {i} ('{tokens[i]}'); every score must be finite."), nameof(rows));
                }
            }

            _rows[r] = (name, [.. scores]);
        }

        Title = title;
        Note = note;
    }

    /// <summary>The heading of the view.</summary>
    public string Title { get; }

    /// <summary>The line under the view, if any.</summary>
    public string? Note { get; }

    /// <summary>The words.</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>The number of rows (methods).</summary>
    public int RowCount => _rows.Length;

    /// <summary>Row <paramref name="row"/>'s method name.</summary>
    public string RowName(int row) => _rows[row].Name;

    /// <summary>Row <paramref name="row"/>'s scores, one per token.</summary>
    public IReadOnlyList<float> Scores(int row) => _rows[row].Scores;

    /// <summary>The half-range of row <paramref name="row"/>'s colour scale: its largest |score|.</summary>
    public float Scale(int row) => _rows[row].Scores.Max(MathF.Abs);
}
