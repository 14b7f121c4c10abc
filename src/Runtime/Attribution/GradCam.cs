namespace Axon.Attribution;

/// <summary>How <see cref="GradCam.Upsample{TValue}"/> fills the larger grid (PyTorch's <c>interpolate</c> modes).</summary>
public enum UpsampleMode
{
    /// <summary>Each output cell takes the input cell it falls in (PyTorch "nearest": source = ⌊dst · in / out⌋). Captum's default.</summary>
    Nearest,

    /// <summary>Bilinear between the four nearest input cells, cell centres aligned (PyTorch "bilinear", align_corners = False).</summary>
    Bilinear,
}

/// <summary>Helpers for Grad-CAM maps (<see cref="Attributor{T}.LayerGradCam(Model.LayerHandle, ReadOnlySpan{T}, AttributionTarget{T}, Span{T}, bool, bool)"/>).</summary>
public static class GradCam
{
    /// <summary>
    /// Resizes one <paramref name="height"/> × <paramref name="width"/> map to <paramref name="outHeight"/> × <paramref name="outWidth"/>
    /// (row-major), e.g. a 7 × 7 Grad-CAM map to the 28 × 28 input. For a [C, L] layer use height 1.
    /// </summary>
    /// <exception cref="ArgumentException">A size is not positive, or a span's length does not match its size.</exception>
    public static void Upsample<TValue>(ReadOnlySpan<TValue> map, int height, int width, Span<TValue> output, int outHeight, int outWidth, UpsampleMode mode = UpsampleMode.Nearest)
        where TValue : unmanaged, IFloatingPointIeee754<TValue>
    {
        if (height < 1 || width < 1 || outHeight < 1 || outWidth < 1)
            throw new ArgumentException($"Sizes must be positive ({height}×{width} to {outHeight}×{outWidth}).", nameof(height));
        if (map.Length != height * width) throw new ArgumentException($"'map' has {map.Length} values; {height}×{width} need {height * width}.", nameof(map));
        if (output.Length != outHeight * outWidth) throw new ArgumentException($"'output' has {output.Length} values; {outHeight}×{outWidth} need {outHeight * outWidth}.", nameof(output));
        for (int i = 0; i < outHeight; i++)
        {
            for (int j = 0; j < outWidth; j++)
            {
                output[i * outWidth + j] = mode == UpsampleMode.Nearest
                    ? map[Math.Min(i * height / outHeight, height - 1) * width + Math.Min(j * width / outWidth, width - 1)]
                    : Bilinear(map, height, width, Source(i, height, outHeight), Source(j, width, outWidth));
            }
        }
    }

    /// <summary>The source coordinate of output cell <paramref name="dst"/>, centres aligned, clamped at 0 (as PyTorch).</summary>
    private static double Source(int dst, int size, int outSize) => Math.Max((dst + 0.5) * size / outSize - 0.5, 0);

    private static TValue Bilinear<TValue>(ReadOnlySpan<TValue> map, int height, int width, double y, double x)
        where TValue : unmanaged, IFloatingPointIeee754<TValue>
    {
        int y0 = Math.Min((int)y, height - 1), x0 = Math.Min((int)x, width - 1);
        int y1 = Math.Min(y0 + 1, height - 1), x1 = Math.Min(x0 + 1, width - 1);
        TValue fy = TValue.CreateChecked(y - y0), fx = TValue.CreateChecked(x - x0);
        TValue top = map[y0 * width + x0] * (TValue.One - fx) + map[y0 * width + x1] * fx;
        TValue bottom = map[y1 * width + x0] * (TValue.One - fx) + map[y1 * width + x1] * fx;
        return top * (TValue.One - fy) + bottom * fy;
    }
}
