using System.Globalization;

namespace Axon.Samples.Reporting;

/// <summary>
/// One cell of a table: text, or a number that the report formats with the invariant culture and aligns right.
/// Strings and numbers convert implicitly, so rows can be written as <c>["Conductance", 0.91, 0.88]</c>.
/// </summary>
public readonly struct TableCell : IEquatable<TableCell>
{
    private TableCell(string text, bool isNumber, double value)
    {
        Text = text;
        IsNumber = isNumber;
        Value = value;
    }

    /// <summary>The text shown.</summary>
    public string Text => field ?? string.Empty;

    /// <summary>Whether the cell holds a number (right-aligned, tabular digits).</summary>
    public bool IsNumber { get; }

    /// <summary>The number, when <see cref="IsNumber"/>; otherwise NaN.</summary>
    public double Value { get; }

    /// <summary>A text cell.</summary>
    public static TableCell FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new TableCell(text, false, double.NaN);
    }

    /// <summary>A number shown with about four significant digits (see <see cref="NumberText.Format(double)"/>).</summary>
    public static TableCell Number(double value) => new(NumberText.Format(value), true, value);

    /// <summary>A number shown with a .NET numeric <paramref name="format"/> (for example "F3", "P1", "E2") in the invariant culture.</summary>
    public static TableCell Number(double value, string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        return new TableCell(value.ToString(format, CultureInfo.InvariantCulture), true, value);
    }

    /// <summary>A fraction shown as a percentage (see <see cref="NumberText.Percent"/>: 0.92 → "92.00%"); the cell's value stays the fraction.</summary>
    public static TableCell Percent(double fraction, int decimals = 2) => new(NumberText.Percent(fraction, decimals), true, fraction);

    /// <summary>A whole number.</summary>
    public static TableCell Number(long value) => new(value.ToString(CultureInfo.InvariantCulture), true, value);

    /// <summary>A text cell.</summary>
    public static implicit operator TableCell(string text) => FromText(text);

    /// <summary>A number cell.</summary>
    public static implicit operator TableCell(double value) => Number(value);

    /// <summary>A number cell.</summary>
    public static implicit operator TableCell(float value) => Number(value);

    /// <summary>A whole-number cell.</summary>
    public static implicit operator TableCell(int value) => Number((long)value);

    /// <summary>A whole-number cell.</summary>
    public static implicit operator TableCell(long value) => Number(value);

    /// <inheritdoc/>
    public bool Equals(TableCell other) =>
        Text == other.Text && IsNumber == other.IsNumber && Value.Equals(other.Value);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TableCell other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Text, IsNumber, Value);

    /// <inheritdoc/>
    public override string ToString() => Text;

    /// <summary>Value equality.</summary>
    public static bool operator ==(TableCell left, TableCell right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(TableCell left, TableCell right) => !left.Equals(right);
}
