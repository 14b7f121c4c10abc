namespace Axon.Kernels;

/// <summary>
/// The shape of a padded pooling window over [C, H, W] samples, as PyTorch's <c>nn.MaxPool2d</c> /
/// <c>nn.AvgPool2d</c> define it (ceil_mode=False): OH = (H + 2·padding − kernel)/stride + 1, and padding at most half
/// the kernel, so that every window holds at least one real element.
/// </summary>
internal readonly record struct PaddedPoolShape(int Batch, int C, int H, int W, int Kernel, int Stride, int Padding)
{
    public int OH => (H + 2 * Padding - Kernel) / Stride + 1;
    public int OW => (W + 2 * Padding - Kernel) / Stride + 1;
    public int InputSize => C * H * W;
    public int OutputSize => C * OH * OW;

    public void Validate(long xLength, long yLength, string xName, string yName)
    {
        KernelGuard.Positive(Batch, "batch");
        KernelGuard.Positive(C, "channels");
        KernelGuard.Positive(H, "height");
        KernelGuard.Positive(W, "width");
        KernelGuard.Window(H, Kernel, Stride, Padding, "height");
        KernelGuard.Window(W, Kernel, Stride, Padding, "width");
        if (2 * (long)Padding > Kernel)
            throw new ArgumentOutOfRangeException("padding", Padding, $"padding must be at most half the kernel ({Kernel}), as in PyTorch, so that no window lies wholly in the padding.");
        KernelGuard.Length((int)Math.Min(int.MaxValue, xLength), (long)Batch * InputSize, xName);
        KernelGuard.Length((int)Math.Min(int.MaxValue, yLength), (long)Batch * OutputSize, yName);
    }

    /// <summary>The rows [top, bottom) and columns [left, right) of output (r, q)'s window that lie inside the input.</summary>
    public void Window(int r, int q, out int top, out int bottom, out int left, out int right)
    {
        top = r * Stride - Padding;
        left = q * Stride - Padding;
        bottom = Math.Min(top + Kernel, H);
        right = Math.Min(left + Kernel, W);
        top = Math.Max(top, 0);
        left = Math.Max(left, 0);
    }
}

/// <summary>
/// 2-D max pooling with padding (PyTorch <c>nn.MaxPool2d(kernel, stride, padding)</c>): the padding is −∞, so it
/// never wins. <c>argmax[b·outSize + o]</c> is the winner's index inside sample b's input (the first maximum wins;
/// NaN wins and propagates, as in PyTorch). Plain loops: the unpadded case keeps <see cref="MaxPool2dKernel"/>.
/// </summary>
public static class PaddedMaxPool2dKernel
{
    /// <summary>
    /// y = window maximum; argmax records each winner. x: batch × [channels, height, width]; y and argmax: batch × [channels, OH, OW]
    /// with OH = (height + 2·padding − kernel)/stride + 1. Overwrites y and argmax. Wrong span lengths, a window larger than the
    /// padded input or padding above kernel/2 throw <see cref="ArgumentException"/>.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, Span<int> argmax, int batch, int channels, int height, int width, int kernel, int stride, int padding)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = new PaddedPoolShape(batch, channels, height, width, kernel, stride, padding);
        s.Validate(x.Length, y.Length, nameof(x), nameof(y));
        KernelGuard.Length(argmax.Length, (long)batch * s.OutputSize, nameof(argmax));
        int o = 0;
        for (int b = 0; b < batch; b++)
        {
            var sample = x.Slice(b * s.InputSize, s.InputSize);
            for (int c = 0; c < channels; c++)
            {
                int plane = c * height * width;
                for (int r = 0; r < s.OH; r++)
                {
                    for (int q = 0; q < s.OW; q++, o++)
                    {
                        s.Window(r, q, out int top, out int bottom, out int left, out int right);
                        int best = plane + top * width + left;
                        T max = sample[best];
                        for (int i = top; i < bottom; i++)
                        {
                            for (int j = left; j < right; j++)
                            {
                                int at = plane + i * width + j;
                                T v = sample[at];
                                if (v > max || (T.IsNaN(v) && !T.IsNaN(max)))
                                {
                                    max = v;
                                    best = at;
                                }
                            }
                        }

                        y[o] = max;
                        argmax[o] = best;
                    }
                }
            }
        }
    }

    /// <summary>dx[winner] += dy, the winners read from the argmax that Forward recorded (an index outside the sample throws).</summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, Span<T> dx, int batch, int channels, int height, int width, int kernel, int stride, int padding)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = new PaddedPoolShape(batch, channels, height, width, kernel, stride, padding);
        s.Validate(dx.Length, dy.Length, nameof(dx), nameof(dy));
        KernelGuard.Length(argmax.Length, dy.Length, nameof(argmax));
        int outSize = s.OutputSize, inSize = s.InputSize;
        for (int b = 0; b < batch; b++)
        {
            var sample = dx.Slice(b * inSize, inSize);
            for (int o = b * outSize; o < (b + 1) * outSize; o++) sample[Winner(argmax, o, inSize)] += dy[o];
        }
    }

    /// <summary>ty = tx[winner]: the max is locally the selected element. Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> tx, ReadOnlySpan<int> argmax, Span<T> ty, int batch, int channels, int height, int width, int kernel, int stride, int padding)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = new PaddedPoolShape(batch, channels, height, width, kernel, stride, padding);
        s.Validate(tx.Length, ty.Length, nameof(tx), nameof(ty));
        KernelGuard.Length(argmax.Length, ty.Length, nameof(argmax));
        int outSize = s.OutputSize, inSize = s.InputSize;
        for (int b = 0; b < batch; b++)
        {
            var sample = tx.Slice(b * inSize, inSize);
            for (int o = b * outSize; o < (b + 1) * outSize; o++) ty[o] = sample[Winner(argmax, o, inSize)];
        }
    }

    private static int Winner(ReadOnlySpan<int> argmax, int o, int inSize)
    {
        int index = argmax[o];
        if ((uint)index >= (uint)inSize)
            throw new ArgumentException($"argmax[{o}] = {index} is outside the sample's input (size {inSize}); pass the arg-max that Forward recorded.", nameof(argmax));
        return index;
    }
}

/// <summary>
/// 2-D average pooling with zero padding and PyTorch's default count_include_pad=True: every window's sum is divided by
/// kernel², padded positions included. Linear, so the tangent is the forward on the direction.
/// </summary>
public static class PaddedAvgPool2dKernel
{
    /// <summary>
    /// y = window sum / kernel². x: batch × [channels, height, width]; y: batch × [channels, OH, OW], OH = (height + 2·padding − kernel)/stride + 1.
    /// Overwrites y. Wrong span lengths, a window larger than the padded input or padding above kernel/2 throw <see cref="ArgumentException"/>.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, int batch, int channels, int height, int width, int kernel, int stride, int padding)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = new PaddedPoolShape(batch, channels, height, width, kernel, stride, padding);
        s.Validate(x.Length, y.Length, nameof(x), nameof(y));
        T scale = T.One / T.CreateChecked(kernel * kernel);
        int o = 0;
        for (int b = 0; b < batch; b++)
        {
            var sample = x.Slice(b * s.InputSize, s.InputSize);
            for (int c = 0; c < channels; c++)
            {
                int plane = c * height * width;
                for (int r = 0; r < s.OH; r++)
                {
                    for (int q = 0; q < s.OW; q++, o++)
                    {
                        s.Window(r, q, out int top, out int bottom, out int left, out int right);
                        T sum = T.Zero;
                        for (int i = top; i < bottom; i++)
                        {
                            for (int j = left; j < right; j++) sum += sample[plane + i * width + j];
                        }

                        y[o] = sum * scale;
                    }
                }
            }
        }
    }

    /// <summary>dx += dy / kernel² over the real (unpadded) elements of each window.</summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, Span<T> dx, int batch, int channels, int height, int width, int kernel, int stride, int padding)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = new PaddedPoolShape(batch, channels, height, width, kernel, stride, padding);
        s.Validate(dx.Length, dy.Length, nameof(dx), nameof(dy));
        T scale = T.One / T.CreateChecked(kernel * kernel);
        int o = 0;
        for (int b = 0; b < batch; b++)
        {
            var sample = dx.Slice(b * s.InputSize, s.InputSize);
            for (int c = 0; c < channels; c++)
            {
                int plane = c * height * width;
                for (int r = 0; r < s.OH; r++)
                {
                    for (int q = 0; q < s.OW; q++, o++)
                    {
                        s.Window(r, q, out int top, out int bottom, out int left, out int right);
                        T share = dy[o] * scale;
                        for (int i = top; i < bottom; i++)
                        {
                            for (int j = left; j < right; j++) sample[plane + i * width + j] += share;
                        }
                    }
                }
            }
        }
    }

    /// <summary>The pooling is linear: ty = avgpool(tx). Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> tx, Span<T> ty, int batch, int channels, int height, int width, int kernel, int stride, int padding)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Forward(tx, ty, batch, channels, height, width, kernel, stride, padding);
}
