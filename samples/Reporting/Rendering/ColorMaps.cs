namespace Axon.Samples.Reporting.Rendering;

/// <summary>An sRGB colour with 8 bits per channel.</summary>
internal readonly record struct Rgb(byte R, byte G, byte B)
{
    public string Hex => $"#{R:x2}{G:x2}{B:x2}";
}

/// <summary>
/// The colour scales of the report. The diverging scale runs blue (negative) → white (zero) → red (positive)
/// through five stops (ColorBrewer's RdBu hues), interpolated linearly in sRGB — the same interpolation a CSS
/// linear-gradient uses, so the legends match the maps exactly.
/// </summary>
internal static class ColorMaps
{
    /// <summary>The stops of the diverging scale, from −1 to +1.</summary>
    public static readonly (double At, Rgb Color)[] DivergingStops =
    [
        (-1.0, new Rgb(0x05, 0x71, 0xb0)),
        (-0.5, new Rgb(0x92, 0xc5, 0xde)),
        (0.0, new Rgb(0xff, 0xff, 0xff)),
        (0.5, new Rgb(0xf4, 0xa5, 0x82)),
        (1.0, new Rgb(0xca, 0x00, 0x20)),
    ];

    /// <summary>Colour of <paramref name="value"/> on a symmetric scale of half-range <paramref name="scale"/> (values beyond it saturate).</summary>
    public static Rgb Diverging(double value, double scale)
    {
        double t = scale > 0 ? Math.Clamp(value / scale, -1.0, 1.0) : 0.0;
        for (int i = 1; i < DivergingStops.Length; i++)
        {
            var (at, color) = DivergingStops[i];
            if (t <= at)
            {
                var (previousAt, previous) = DivergingStops[i - 1];
                double f = (t - previousAt) / (at - previousAt);
                return Lerp(previous, color, f);
            }
        }

        return DivergingStops[^1].Color;
    }

    /// <summary>Grey level of <paramref name="value"/> on [<paramref name="low"/>, <paramref name="high"/>]: black at low, white at high.</summary>
    public static Rgb Gray(double value, double low, double high)
    {
        double t = high > low ? Math.Clamp((value - low) / (high - low), 0.0, 1.0) : 0.0;
        byte level = ToByte(255.0 * t);
        return new Rgb(level, level, level);
    }

    /// <summary>The CSS gradient that draws the diverging scale from left (−1) to right (+1).</summary>
    public static string DivergingGradientCss()
    {
        var parts = new string[DivergingStops.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            var (at, color) = DivergingStops[i];
            parts[i] = color.Hex + " " + NumberText.Coordinate((at + 1.0) * 50.0) + "%";
        }

        return "linear-gradient(to right, " + string.Join(", ", parts) + ")";
    }

    /// <summary>Multiplies <paramref name="color"/> by a grey level <paramref name="factor"/> in [0, 1] (a "multiply" blend).</summary>
    public static Rgb Multiply(Rgb color, double factor) =>
        new(ToByte(color.R * factor), ToByte(color.G * factor), ToByte(color.B * factor));

    private static Rgb Lerp(Rgb a, Rgb b, double f) =>
        new(ToByte(a.R + (b.R - a.R) * f), ToByte(a.G + (b.G - a.G) * f), ToByte(a.B + (b.B - a.B) * f));

    private static byte ToByte(double value) => (byte)Math.Clamp(Math.Round(value, MidpointRounding.AwayFromZero), 0.0, 255.0);
}
