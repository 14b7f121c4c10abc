using System.Globalization;

namespace Axon.Samples.Reporting;

/// <summary>How the report writes numbers: invariant culture, about four significant digits, no trailing zeros.</summary>
public static class NumberText
{
    /// <summary>
    /// Writes <paramref name="value"/> in the invariant culture: whole numbers below 10¹⁵ in full; magnitudes in
    /// [10⁻³, 10⁵) with four significant digits and no trailing zeros ("0.9873", "12.5"); others in exponent form
    /// ("3.142e-5"); "NaN", "∞" and "-∞" for the non-finite values.
    /// </summary>
    public static string Format(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "∞";
        if (double.IsNegativeInfinity(value)) return "-∞";
        if (value == 0) return "0";

        double magnitude = Math.Abs(value);
        if (magnitude < 1e15 && value == Math.Floor(value))
            return value.ToString("F0", CultureInfo.InvariantCulture);

        if (magnitude >= 1e-3 && magnitude < 1e5)
        {
            int decimals = Math.Clamp(3 - (int)Math.Floor(Math.Log10(magnitude)), 0, 15);
            string text = value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            if (text.Contains('.'))
                text = text.TrimEnd('0').TrimEnd('.');
            return text == "-0" ? "0" : text;
        }

        return value.ToString("0.###e+0", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Writes a fraction as a percentage with <paramref name="decimals"/> decimals in the invariant culture, the sign
    /// right after the digits: 0.92 → "92.00%". Console and report use it, so they agree.
    /// </summary>
    public static string Percent(double fraction, int decimals = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(decimals, 15);
        if (!double.IsFinite(fraction)) return Format(fraction);
        string text = (100 * fraction).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        if (text.StartsWith('-') && text.AsSpan(1).IndexOfAnyExcept("0.") < 0) text = text[1..];
        return text + "%";
    }

    /// <summary>Like <see cref="Format(double)"/>, with a leading "+" on positive values (for the ends of signed scales).</summary>
    public static string FormatSigned(double value) =>
        value > 0 ? "+" + Format(value) : Format(value);

    /// <summary>The shortest text that reads back as the same double, for machine-readable attributes.</summary>
    internal static string RoundTrip(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A coordinate with two decimals, for SVG geometry.</summary>
    internal static string Coordinate(double value)
    {
        string text = Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
        return text == "-0" ? "0" : text;
    }
}
