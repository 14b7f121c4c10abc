namespace Axon.Samples.Reporting.Rendering;

/// <summary>Turns heatmaps into PNG data URIs, one image pixel per map value (the page scales them up pixel-crisp).</summary>
internal static class MapImages
{
    /// <summary>How much the input darkens the colours of an IG map drawn over it (0: not at all, 1: black where the input is white).</summary>
    public const double OverlayFade = 0.4;

    /// <summary>The grey range of an input image: [0, 1], widened to the image's own range if it exceeds that.</summary>
    public static (double Low, double High) GrayRange(Heatmap image) =>
        (Math.Min(0.0, image.Min), Math.Max(1.0, image.Max));

    /// <summary>The largest whole zoom at which the map's longer side stays within <paramref name="targetPixels"/> (at least 1).</summary>
    public static int Zoom(Heatmap map, int targetPixels) =>
        Math.Max(1, targetPixels / Math.Max(map.Height, map.Width));

    public static byte[] GrayPng(Heatmap image)
    {
        var (low, high) = GrayRange(image);
        ReadOnlySpan<float> values = image.Values;
        var rgb = new byte[values.Length * 3];
        for (int i = 0; i < values.Length; i++)
            Put(rgb, i, ColorMaps.Gray(values[i], low, high));
        return PngEncoder.EncodeRgb(image.Width, image.Height, rgb);
    }

    public static byte[] DivergingPng(Heatmap map, double scale)
    {
        ReadOnlySpan<float> values = map.Values;
        var rgb = new byte[values.Length * 3];
        for (int i = 0; i < values.Length; i++)
            Put(rgb, i, ColorMaps.Diverging(values[i], scale));
        return PngEncoder.EncodeRgb(map.Width, map.Height, rgb);
    }

    /// <summary>The signed map's colours multiplied by a faded copy of the input (same size required).</summary>
    public static byte[] OverlayPng(Heatmap map, double scale, Heatmap image)
    {
        var (low, high) = GrayRange(image);
        ReadOnlySpan<float> values = map.Values;
        ReadOnlySpan<float> grey = image.Values;
        var rgb = new byte[values.Length * 3];
        for (int i = 0; i < values.Length; i++)
        {
            double level = Math.Clamp((grey[i] - low) / (high - low), 0.0, 1.0);
            Put(rgb, i, ColorMaps.Multiply(ColorMaps.Diverging(values[i], scale), 1.0 - OverlayFade * level));
        }

        return PngEncoder.EncodeRgb(map.Width, map.Height, rgb);
    }

    /// <summary>Where the input's outline runs: between pixels at or above this share of the grey range and pixels below it.</summary>
    public const double OutlineLevel = 0.25;

    /// <summary>The colour of the input's outline drawn over patch maps.</summary>
    public static readonly Rgb OutlineColor = new(0x22, 0x22, 0x22);

    /// <summary>
    /// A coarse signed map (for example 7×7 patches) at the input's resolution: each input pixel takes the colour of
    /// the map cell its patch falls in, multiplied by the faded input as in <see cref="OverlayPng"/>, and the input's
    /// outline (<see cref="OutlinePixels"/>) is drawn in <see cref="OutlineColor"/>.
    /// </summary>
    public static byte[] PatchOverlayPng(Heatmap map, double scale, Heatmap image)
    {
        var (low, high) = GrayRange(image);
        ReadOnlySpan<float> grey = image.Values;
        bool[] outline = OutlinePixels(image);
        var rgb = new byte[grey.Length * 3];
        for (int r = 0; r < image.Height; r++)
        {
            int row = (int)((long)r * map.Height / image.Height);
            for (int c = 0; c < image.Width; c++)
            {
                int i = r * image.Width + c;
                if (outline[i])
                {
                    Put(rgb, i, OutlineColor);
                    continue;
                }

                int column = (int)((long)c * map.Width / image.Width);
                double level = Math.Clamp((grey[i] - low) / (high - low), 0.0, 1.0);
                Put(rgb, i, ColorMaps.Multiply(ColorMaps.Diverging(map[row, column], scale), 1.0 - OverlayFade * level));
            }
        }

        return PngEncoder.EncodeRgb(image.Width, image.Height, rgb);
    }

    /// <summary>
    /// The input's outline, row by row: pixels at or above <see cref="OutlineLevel"/> of the grey range with a
    /// 4-neighbour below it (the object's edge; the image's own border is not part of it).
    /// </summary>
    public static bool[] OutlinePixels(Heatmap image)
    {
        var (low, high) = GrayRange(image);
        double threshold = low + OutlineLevel * (high - low);
        int h = image.Height, w = image.Width;
        ReadOnlySpan<float> grey = image.Values;
        var outline = new bool[grey.Length];
        for (int r = 0; r < h; r++)
        {
            for (int c = 0; c < w; c++)
            {
                if (grey[r * w + c] < threshold) continue;
                outline[r * w + c] =
                    (r > 0 && grey[(r - 1) * w + c] < threshold) || (r + 1 < h && grey[(r + 1) * w + c] < threshold) ||
                    (c > 0 && grey[r * w + c - 1] < threshold) || (c + 1 < w && grey[r * w + c + 1] < threshold);
            }
        }

        return outline;
    }

    public static string DataUri(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

    private static void Put(byte[] rgb, int index, Rgb color)
    {
        rgb[3 * index] = color.R;
        rgb[3 * index + 1] = color.G;
        rgb[3 * index + 2] = color.B;
    }
}
