namespace Axon.Kernels;

/// <summary>
/// 2-D max pooling without padding: OH = (H − kernel)/stride + 1. <c>argmax[b·outSize + o]</c> is the index of
/// the winner inside sample b's input (the first maximum wins); Backward and Tangent read it from the tape.
/// </summary>
public static class MaxPool2dKernel
{
    /// <summary>
    /// y = window maximum; argmax records each winner. x: batch × [channels, height, width]; y and argmax: batch × [channels, OH, OW].
    /// Overwrites y and argmax. Wrong span lengths, a window larger than the input or a size below 1 throw <see cref="ArgumentException"/>.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, Span<int> argmax, int batch, int channels, int height, int width, int kernel, int stride)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.MaxForward(new PoolShape(batch, channels, height, width, kernel, kernel, stride, stride), x, y, argmax);

    /// <summary>dx[winner] += dy.</summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, Span<T> dx, int batch, int channels, int height, int width, int kernel, int stride)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.MaxBackward(new PoolShape(batch, channels, height, width, kernel, kernel, stride, stride), dy, argmax, dx, GradientMode.Accumulate);

    /// <summary>
    /// dx[winner] += dy with <see cref="GradientMode.Accumulate"/>; with <see cref="GradientMode.Overwrite"/> each
    /// sample's dx is zeroed first (while it is in cache), so dx is the pooling's gradient alone.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, Span<T> dx, int batch, int channels, int height, int width, int kernel, int stride, GradientMode mode)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.MaxBackward(new PoolShape(batch, channels, height, width, kernel, kernel, stride, stride), dy, argmax, dx, mode);

    /// <summary>ty = tx[winner]. Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> tx, ReadOnlySpan<int> argmax, Span<T> ty, int batch, int channels, int height, int width, int kernel, int stride)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.MaxTangent(new PoolShape(batch, channels, height, width, kernel, kernel, stride, stride), tx, argmax, ty);
}

/// <summary>2-D average pooling without padding; every window averages kernel² elements.</summary>
public static class AvgPool2dKernel
{
    /// <summary>
    /// y = window mean over kernel² elements. x: batch × [channels, height, width]; y: batch × [channels, OH, OW], OH = (height − kernel)/stride + 1.
    /// Overwrites y. Wrong span lengths or a window larger than the input throw <see cref="ArgumentException"/>.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, int batch, int channels, int height, int width, int kernel, int stride)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.AverageForward(new PoolShape(batch, channels, height, width, kernel, kernel, stride, stride), x, y, nameof(x), nameof(y));

    /// <summary>dx += dy / kernel² over each window.</summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, Span<T> dx, int batch, int channels, int height, int width, int kernel, int stride)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.AverageBackward(new PoolShape(batch, channels, height, width, kernel, kernel, stride, stride), dy, dx);

    /// <summary>The pooling is linear: ty = avgpool(tx). Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> tx, Span<T> ty, int batch, int channels, int height, int width, int kernel, int stride)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.AverageForward(new PoolShape(batch, channels, height, width, kernel, kernel, stride, stride), tx, ty, nameof(tx), nameof(ty));
}

/// <summary>Global average pooling [C, spatial] → [C].</summary>
public static class GlobalAvgPoolKernel
{
    /// <summary>y[b, c] = mean of x[b, c, ·] over the <paramref name="spatial"/> positions (H·W for an image). x: batch × [channels, spatial]; y: batch × channels. Overwrites y.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, int batch, int channels, int spatial)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.AverageForward(new PoolShape(batch, channels, 1, spatial, 1, spatial, 1, 1), x, y, nameof(x), nameof(y));

    /// <summary>dx += dy / spatial.</summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, Span<T> dx, int batch, int channels, int spatial)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.AverageBackward(new PoolShape(batch, channels, 1, spatial, 1, spatial, 1, 1), dy, dx);

    /// <summary>The pooling is linear: ty = mean of tx over each channel's positions. Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> tx, Span<T> ty, int batch, int channels, int spatial)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.AverageForward(new PoolShape(batch, channels, 1, spatial, 1, spatial, 1, 1), tx, ty, nameof(tx), nameof(ty));
}

/// <summary>Max over time [C, L] → [C]; <c>argmax[b·C + c]</c> is the index of the winner inside sample b's input.</summary>
public static class MaxOverTimeKernel
{
    /// <summary>y[b, c] = max over the positions of x[b, c, ·]; argmax[b·channels + c] = the winner's index inside sample b's input (the first maximum wins). x: batch × [channels, length]. Overwrites y and argmax.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, Span<int> argmax, int batch, int channels, int length)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.MaxForward(new PoolShape(batch, channels, 1, length, 1, length, 1, 1), x, y, argmax);

    /// <summary>dx[winner] += dy, the winner read from the argmax that Forward recorded (an index outside the sample throws <see cref="ArgumentException"/>).</summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, Span<T> dx, int batch, int channels, int length)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.MaxBackward(new PoolShape(batch, channels, 1, length, 1, length, 1, 1), dy, argmax, dx, GradientMode.Accumulate);

    /// <summary>ty = tx[winner], the winner read from the argmax that Forward recorded. Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> tx, ReadOnlySpan<int> argmax, Span<T> ty, int batch, int channels, int length)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.MaxTangent(new PoolShape(batch, channels, 1, length, 1, length, 1, 1), tx, argmax, ty);
}
