namespace Axon.Kernels;

/// <summary>
/// 2-D upsampling by an integer factor over [C, H, W] → [C, H·scale, W·scale] (PyTorch <c>nn.Upsample(scale_factor, mode)</c>):
/// nearest copies x[⌊r / scale⌋, ⌊q / scale⌋]; bilinear (align_corners=False, PyTorch's default) reads the source
/// coordinate (r + ½)/scale − ½, clamped at 0, and mixes its two neighbouring rows and columns. Both are linear maps,
/// so the tangent is the forward on the direction and the backward is the transposed scatter.
/// </summary>
public static class UpsampleKernel
{
    /// <summary>Overwrites y with the upsampled x. x: batch × [channels, height, width]; y: batch × [channels, height·scale, width·scale].</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, int batch, int channels, int height, int width, int scale, bool bilinear)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(x.Length, y.Length, batch, channels, height, width, scale, nameof(x), nameof(y));
        int oh = height * scale, ow = width * scale;
        for (int plane = 0; plane < batch * channels; plane++)
        {
            var source = x.Slice(plane * height * width, height * width);
            var target = y.Slice(plane * oh * ow, oh * ow);
            for (int r = 0; r < oh; r++)
            {
                Tap<T>(r, height, scale, bilinear, out int r0, out int r1, out T wr0, out T wr1);
                for (int q = 0; q < ow; q++)
                {
                    Tap<T>(q, width, scale, bilinear, out int q0, out int q1, out T wq0, out T wq1);
                    target[r * ow + q] = wr0 * (wq0 * source[r0 * width + q0] + wq1 * source[r0 * width + q1])
                                       + wr1 * (wq0 * source[r1 * width + q0] + wq1 * source[r1 * width + q1]);
                }
            }
        }
    }

    /// <summary>dx += Uᵀ dy: each output's gradient returns to the input positions it read, with the same weights.</summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, Span<T> dx, int batch, int channels, int height, int width, int scale, bool bilinear)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(dx.Length, dy.Length, batch, channels, height, width, scale, nameof(dx), nameof(dy));
        int oh = height * scale, ow = width * scale;
        for (int plane = 0; plane < batch * channels; plane++)
        {
            var target = dx.Slice(plane * height * width, height * width);
            var source = dy.Slice(plane * oh * ow, oh * ow);
            for (int r = 0; r < oh; r++)
            {
                Tap<T>(r, height, scale, bilinear, out int r0, out int r1, out T wr0, out T wr1);
                for (int q = 0; q < ow; q++)
                {
                    Tap<T>(q, width, scale, bilinear, out int q0, out int q1, out T wq0, out T wq1);
                    T d = source[r * ow + q];
                    target[r0 * width + q0] += wr0 * wq0 * d;
                    target[r0 * width + q1] += wr0 * wq1 * d;
                    target[r1 * width + q0] += wr1 * wq0 * d;
                    target[r1 * width + q1] += wr1 * wq1 * d;
                }
            }
        }
    }

    /// <summary>The upsampling is linear: ty = upsample(tx). Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> tx, Span<T> ty, int batch, int channels, int height, int width, int scale, bool bilinear)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Forward(tx, ty, batch, channels, height, width, scale, bilinear);

    /// <summary>
    /// The two source positions an output coordinate reads and their weights (nearest: one position, weight 1, and a
    /// second of weight 0). Bilinear follows PyTorch's area_pixel_compute_source_index: src = (dst + ½)/scale − ½, at least 0.
    /// </summary>
    private static void Tap<T>(int dst, int size, int scale, bool bilinear, out int i0, out int i1, out T w0, out T w1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!bilinear)
        {
            i0 = i1 = dst / scale;
            w0 = T.One;
            w1 = T.Zero;
            return;
        }

        double src = Math.Max((dst + 0.5) / scale - 0.5, 0.0);
        i0 = (int)src;
        i1 = i0 < size - 1 ? i0 + 1 : i0;
        double lambda = src - i0;
        w1 = T.CreateChecked(lambda);
        w0 = T.CreateChecked(1 - lambda);
    }

    private static void Check(int inputLength, int outputLength, int batch, int channels, int height, int width, int scale, string inputName, string outputName)
    {
        KernelGuard.Positive(batch, "batch");
        KernelGuard.Positive(channels, "channels");
        KernelGuard.Positive(height, "height");
        KernelGuard.Positive(width, "width");
        KernelGuard.Positive(scale, "scale");
        KernelGuard.Length(inputLength, (long)batch * channels * height * width, inputName);
        KernelGuard.Length(outputLength, (long)batch * channels * height * width * scale * scale, outputName);
    }
}
